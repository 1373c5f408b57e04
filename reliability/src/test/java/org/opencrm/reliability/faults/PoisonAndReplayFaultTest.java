package org.opencrm.reliability.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.model.Filters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.Topics;
import org.opencrm.reliability.DltReplay;

/**
 * Item 4 of issue #12 at the service level: malformed records on {@code crm.contacts.v1} land in its dead-letter
 * topic while deals keeps applying the valid events of the same partitions; then a dead-lettered valid event (as
 * one failed before a fix) is replayed with {@link DltReplay} and deals applies it.
 */
@Tag("faults")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PoisonAndReplayFaultTest {

    static final int POISON = 9;
    static final int CARDS = 30;

    @Test
    void poisonIsDeadLetteredWhileThePartitionsFlowAndAReplayedEventIsApplied() throws Exception {
        try (var rig = new FaultRig("poison");
                var producer = new KafkaProducer<String, String>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, rig.cluster.kafka(),
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            var contacts = rig.launch("contacts", "contacts");
            rig.launch("deals", "deals");
            String api = contacts.baseUrl() + "/api/contacts";

            var created = new ArrayList<String>();
            for (int i = 0; i < CARDS; i++) {
                if (i < POISON) {
                    // keys spread over the partitions; each poison record sits in front of valid events
                    var poison = new ProducerRecord<String, String>(
                            Topics.CONTACTS, "poison-" + i, i % 2 == 0 ? "{\"eventId\": " : "not json at all");
                    poison.headers().add(EventHeaders.TYPE, bytes("crm.contacts.ContactCreated.v1"));
                    poison.headers().add(EventHeaders.TENANT, bytes(rig.tenant));
                    producer.send(poison).get();
                }
                var answer = rig.post(api, FaultRig.contactBody("Poison" + i));
                assertThat(answer.status()).as(answer.body()).isEqualTo(201);
                created.add(FaultRig.idOf(answer.body()));
            }

            var copies = rig.database("deals").getCollection("clients");
            await().atMost(Duration.ofSeconds(120))
                    .untilAsserted(() -> assertThat(copied(rig, copies))
                            .as("the partitions kept flowing past the poison")
                            .containsAll(created));
            String deadLetterTopic = Topics.CONTACTS + ".DLT";
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(rig.readAll(deadLetterTopic).stream()
                                    .filter(r -> rig.tenant.equals(FaultRig.header(r, EventHeaders.TENANT)))
                                    .filter(r -> r.key().startsWith("poison-"))
                                    // every group reading the topic dead-letters a poison record of its own (contacts
                                    // reads its own topic too): count deals'
                                    .filter(r -> "deals-service"
                                            .equals(FaultRig.header(r, "kafka_dlt-original-consumer-group"))))
                            .as("every poison record is in the dead-letter topic")
                            .hasSize(POISON));

            // an event that was dead-lettered before its fix: a real ContactCreated for a card deals has not seen
            var original = rig.readAll(Topics.CONTACTS).stream()
                    .filter(r -> created.getFirst().equals(r.key()))
                    .findFirst()
                    .orElseThrow();
            String cardId = UUID.randomUUID().toString();
            String eventId = UUID.randomUUID().toString();
            String originalEventId = FaultRig.header(original, EventHeaders.ID);
            var dead = new ProducerRecord<String, String>(
                    deadLetterTopic,
                    cardId,
                    original.value().replace(created.getFirst(), cardId).replace(originalEventId, eventId));
            for (var header : original.headers()) {
                dead.headers().add(header);
            }
            dead.headers().remove(EventHeaders.ID).add(EventHeaders.ID, bytes(eventId));
            dead.headers().remove(EventHeaders.SUBJECT).add(EventHeaders.SUBJECT, bytes(cardId));
            dead.headers().add("kafka_dlt-original-topic", bytes(Topics.CONTACTS));
            dead.headers().add("kafka_dlt-exception-message", bytes("failed before the fix"));
            producer.send(dead).get();
            assertThat(copied(rig, copies)).doesNotContain(cardId);

            var result =
                    new DltReplay(rig.cluster.kafka(), deadLetterTopic, "crm-dlt-replay", Set.of(eventId), false).run();
            assertThat(result.replayed()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(copied(rig, copies))
                            .as("the replayed event was applied")
                            .contains(cardId));
            FaultRig.log("poison figures: " + POISON + " malformed records dead-lettered, " + CARDS
                    + " valid events on the same partitions applied, 1 dead-lettered event replayed and applied");
        }
    }

    private static Set<String> copied(FaultRig rig, com.mongodb.client.MongoCollection<Document> copies) {
        var ids = new HashSet<String>();
        copies.find(Filters.eq("tenantId", rig.tenant))
                .projection(new Document("contactId", 1))
                .forEach(d -> ids.add(d.getString("contactId")));
        return ids;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
