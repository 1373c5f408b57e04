package org.opencrm.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencrm.testkit.KafkaTestConsumer;
import org.opencrm.testkit.TestInfrastructure;

/**
 * The dead-letter replay tool on a real broker: records go back to their original topic with their key, value and
 * event headers, without the dead-letter headers; a second run replays nothing; a dry run publishes nothing; a run
 * for named events replays only those and leaves the rest due.
 */
class DltReplayTest {

    private static String kafka;
    private static KafkaProducer<String, String> producer;
    private String topic;
    private String deadLetters;

    @BeforeAll
    static void connect() {
        kafka = TestInfrastructure.kafkaBootstrapServers();
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    @AfterAll
    static void disconnect() {
        producer.close();
    }

    @BeforeEach
    void topics() throws Exception {
        topic = "crm.replay-" + UUID.randomUUID() + ".v1";
        deadLetters = topic + ".DLT";
        try (var admin = AdminClient.create(Map.of("bootstrap.servers", kafka))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1), new NewTopic(deadLetters, 3, (short) 1)))
                    .all()
                    .get();
        }
    }

    @Test
    void deadLettersGoBackToTheirTopicOnceWithTheirKeyValueAndEventHeaders() throws Exception {
        deadLetter("deal-1", "event-1", "{\"n\":1}");
        deadLetter("deal-2", "event-2", "{\"n\":2}");
        deadLetter("deal-1", "event-3", "{\"n\":3}");

        var first = replay(Set.of(), false);
        assertThat(first.read()).isEqualTo(3);
        assertThat(first.replayed()).isEqualTo(3);
        assertThat(first.byTarget()).containsExactly(Map.entry(topic, 3));

        try (var consumer = KafkaTestConsumer.subscribe(kafka, topic)) {
            var replayed = consumer.await(r -> true, 3, Duration.ofSeconds(30));
            assertThat(replayed)
                    .extracting(ConsumerRecord::value)
                    .containsExactlyInAnyOrder("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
            var one = replayed.stream()
                    .filter(r -> r.value().equals("{\"n\":1}"))
                    .findFirst()
                    .orElseThrow();
            assertThat(one.key()).isEqualTo("deal-1");
            assertThat(header(one, "ce_id")).isEqualTo("event-1");
            assertThat(header(one, "ce_type")).isEqualTo("crm.deals.DealStageChanged.v1");
            assertThat(header(one, "traceparent")).isNotNull();
            assertThat(header(one, DltReplay.REPLAYED_FROM)).startsWith(deadLetters + "-");
            assertThat(one.headers().toArray()).noneMatch(h -> h.key().startsWith(DltReplay.DLT_HEADER_PREFIX));
            // one deal's records keep their order: same key, same partition, dead-letter order
            var deal1 = replayed.stream().filter(r -> "deal-1".equals(r.key())).toList();
            assertThat(deal1).extracting(ConsumerRecord::value).containsExactly("{\"n\":1}", "{\"n\":3}");
        }

        assertThat(replay(Set.of(), false).replayed())
                .as("a second run replays nothing")
                .isZero();
        deadLetter("deal-3", "event-4", "{\"n\":4}");
        var later = replay(Set.of(), false);
        assertThat(later.read()).isEqualTo(1);
        assertThat(later.replayed()).isEqualTo(1);
    }

    @Test
    void aDryRunPublishesNothingAndANamedEventIsReplayedAloneLeavingTheRestDue() throws Exception {
        deadLetter("deal-1", "event-1", "{\"n\":1}");
        deadLetter("deal-2", "event-2", "{\"n\":2}");
        // poison as it arrives: no event id header at all
        producer.send(new ProducerRecord<>(deadLetters, "deal-3", "not json")).get();

        var dry = replay(Set.of(), true);
        assertThat(dry.replayed()).isEqualTo(3);
        var named = replay(Set.of("event-2"), false);
        assertThat(named.read()).isEqualTo(3);
        assertThat(named.replayed()).isEqualTo(1);
        try (var consumer = KafkaTestConsumer.subscribe(kafka, topic)) {
            var records = consumer.drain(r -> true, Duration.ofSeconds(3));
            assertThat(records).extracting(ConsumerRecord::value).containsExactly("{\"n\":2}");
        }
        assertThat(replay(Set.of(), false).replayed())
                .as("neither the dry run nor the named run moved the group")
                .isEqualTo(3);
    }

    private DltReplay.Result replay(Set<String> eventIds, boolean dryRun) throws Exception {
        return new DltReplay(kafka, deadLetters, "replay-test-" + topic, eventIds, dryRun).run();
    }

    /** A record as the consumer kit's DeadLetterPublishingRecoverer leaves it. */
    private void deadLetter(String key, String eventId, String value) throws Exception {
        var record = new ProducerRecord<String, String>(deadLetters, key, value);
        record.headers()
                .add("ce_id", bytes(eventId))
                .add("ce_type", bytes("crm.deals.DealStageChanged.v1"))
                .add("traceparent", bytes("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                .add(DltReplay.ORIGINAL_TOPIC, bytes(topic))
                .add("kafka_dlt-original-partition", new byte[4])
                .add("kafka_dlt-exception-fqcn", bytes("org.opencrm.platform.events.PoisonEventException"))
                .add("kafka_dlt-exception-message", bytes("not an event"));
        producer.send(record).get();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
