package org.opencrm.platform.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Actor;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.Money;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.KafkaTestConsumer;
import org.opencrm.testkit.TestInfrastructure;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/** The consumer kit on the real broker and database: redelivery, poison records, retries, tracing. */
@SpringBootTest(
        classes = ConsumerKitTestApplication.class,
        properties = {"crm.consumer.initial-backoff=50ms", "crm.consumer.max-backoff=200ms"})
@UseTestInfrastructure
class ConsumerKitTest {

    private static KafkaProducer<String, String> producer;

    @Autowired
    MongoTemplate mongo;

    @Autowired
    DealProjectionListener listener;

    @Autowired
    MeterRegistry meters;

    @Autowired
    OrderRecordingListener ordered;

    @Autowired
    KafkaListenerEndpointRegistry listenerContainers;

    @BeforeAll
    static void connect() {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    @AfterAll
    static void disconnect() {
        producer.close();
    }

    @Test
    void anEventDeliveredThreeTimesHasOneEffect() {
        String tenant = newTenant();
        String deal = UUID.randomUUID().toString();
        var measured = moved(tenant, deal, 1, "measurement");
        send(measured);
        send(measured);
        send(measured);

        awaitApplied(measured);
        // Every copy was handed to the listener (the kit does not hide redelivery from it)...
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() ->
                        assertThat(listener.attempts.get(measured.eventId())).hasValue(3));
        // ...and the effects happened once.
        assertThat(moves(tenant)).isEqualTo(1);
        assertThat(followUpTasks(deal)).isEqualTo(1);
        assertThat(stageOf(deal)).isEqualTo("measurement");
    }

    @Test
    void anOlderEventArrivingLateDoesNotOverwriteANewerOne() {
        String tenant = newTenant();
        String deal = UUID.randomUUID().toString();
        var approval = moved(tenant, deal, 2, "approval");
        var measurement = moved(tenant, deal, 1, "measurement");
        send(approval);
        send(measurement);

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(moves(tenant)).isEqualTo(2));
        assertThat(stageOf(deal)).isEqualTo("approval");
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicAndTheNextRecordIsStillProcessed() throws Exception {
        String tenant = newTenant();
        String deal = UUID.randomUUID().toString();
        var poison = new ProducerRecord<String, String>(DealProjectionListener.TOPIC, deal, "{\"eventId\": ");
        poison.headers().add(EventHeaders.TYPE, "crm.deals.DealStageChanged.v1".getBytes(StandardCharsets.UTF_8));
        poison.headers().add(EventHeaders.TENANT, tenant.getBytes(StandardCharsets.UTF_8));
        producer.send(poison).get();
        var next = moved(tenant, deal, 1, "measurement");
        RecordMetadata nextOffset = send(next);

        awaitApplied(next);
        try (var dlt = KafkaTestConsumer.subscribe(
                TestInfrastructure.kafkaBootstrapServers(), DealProjectionListener.TOPIC + ".DLT")) {
            var dead = dlt.await(
                            r -> tenant.equals(header(r.headers(), EventHeaders.TENANT)), 1, Duration.ofSeconds(20))
                    .getFirst();
            assertThat(dead.value()).isEqualTo("{\"eventId\": ");
            assertThat(header(dead.headers(), "kafka_dlt-exception-cause-fqcn"))
                    .isEqualTo("org.opencrm.platform.events.PoisonEventException");
            assertThat(header(dead.headers(), "kafka_dlt-original-topic")).isEqualTo(DealProjectionListener.TOPIC);
        }
        assertThat(meters.counter("crm.consumer.dead.lettered", "topic", DealProjectionListener.TOPIC)
                        .count())
                .as("operations can alert on dead letters")
                .isGreaterThanOrEqualTo(1);
        // Offsets are committed after processing: the group has moved past the record it processed.
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(committedOffset(nextOffset)).isGreaterThan(nextOffset.offset()));
    }

    @Test
    void aRecordThatKeepsFailingIsRetriedThenDeadLetteredWhileTheNextOneIsProcessed() {
        String tenant = newTenant();
        String deal = UUID.randomUUID().toString();
        var failing = moved(tenant, deal, 1, DealProjectionListener.FAILING_STAGE);
        var next = moved(tenant, deal, 2, "measurement");
        send(failing);
        send(next);

        awaitApplied(next);
        assertThat(listener.attempts.get(failing.eventId()))
                .as("first try plus three retries")
                .hasValue(4);
        try (var dlt = KafkaTestConsumer.subscribe(
                TestInfrastructure.kafkaBootstrapServers(), DealProjectionListener.TOPIC + ".DLT")) {
            var dead = dlt.await(
                            r -> failing.eventId().equals(header(r.headers(), EventHeaders.ID)),
                            1,
                            Duration.ofSeconds(20))
                    .getFirst();
            assertThat(header(dead.headers(), "kafka_dlt-exception-cause-fqcn"))
                    .isEqualTo(IllegalStateException.class.getName());
        }
    }

    @Test
    void aRecordThatFindsTheDatabaseUnreachableWaitsForItInsteadOfBeingDeadLettered() {
        String tenant = newTenant();
        String deal = UUID.randomUUID().toString();
        var duringOutage = moved(tenant, deal, 1, DealProjectionListener.OUTAGE_STAGE);
        var next = moved(tenant, deal, 2, "measurement");
        send(duringOutage);
        send(next);

        awaitApplied(next);
        // more tries than the bounded retries allow (3), then the database answered and the record was applied
        assertThat(listener.attempts.get(duringOutage.eventId())).hasValue(DealProjectionListener.OUTAGE_ATTEMPTS + 1);
        // a dead-lettered record would have stopped at 4 tries and left its move uncounted
        assertThat(moves(tenant)).as("both records applied").isEqualTo(2);
    }

    @Test
    void partitionsAreHandledInParallelAndEachDealsEventsStillArriveInOrder() {
        String tenant = newTenant();
        int deals = 30;
        int versions = 20;
        var ids = new java.util.ArrayList<String>();
        for (int d = 0; d < deals; d++) {
            ids.add(UUID.randomUUID().toString());
        }
        // The three consumers join the group one by one; records sent before the last has joined could all be
        // taken by the first two. Wait until each consumer holds one partition, as a running service would.
        var container = (ConcurrentMessageListenerContainer<?, ?>)
                listenerContainers.getListenerContainer(OrderRecordingListener.LISTENER_ID);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(container.getContainers())
                        .as("the listener's consumers and their partitions")
                        .hasSize(OrderRecordingListener.PARTITIONS)
                        .allSatisfy(consumer ->
                                assertThat(consumer.getAssignedPartitions()).hasSize(1)));
        // interleaved as many writers would publish them: version v of every deal, then v + 1 of every deal
        var sends = new java.util.ArrayList<java.util.concurrent.Future<RecordMetadata>>();
        for (int v = 1; v <= versions; v++) {
            for (String deal : ids) {
                var record = EventRecords.toRecord(moved(tenant, deal, v, "stage-" + v), "/crm/test");
                sends.add(producer.send(new ProducerRecord<>(
                        OrderRecordingListener.TOPIC, null, record.key(), record.value(), record.headers())));
            }
        }
        producer.flush();
        assertThat(sends).allSatisfy(f -> assertThat(f).isDone());

        var expected =
                java.util.stream.LongStream.rangeClosed(1, versions).boxed().toList();
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(ids)
                        .allSatisfy(deal -> assertThat(ordered.versions.get(deal))
                                .as("versions of deal %s in the order the listener saw them", deal)
                                .isEqualTo(expected)));
        assertThat(ordered.partitions).as("the topic's partitions").hasSize(OrderRecordingListener.PARTITIONS);
        assertThat(ordered.threads)
                .as("one listener thread per partition (crm.consumer.concurrency)")
                .hasSize(OrderRecordingListener.PARTITIONS);
    }

    @Test
    void theListenerContinuesTheTraceOfTheProducer() {
        String tenant = newTenant();
        var event = moved(tenant, UUID.randomUUID().toString(), 1, "measurement");
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        var record = EventRecords.toRecord(
                DealProjectionListener.TOPIC,
                event.aggregateId(),
                event.eventId(),
                "crm.deals.DealStageChanged.v1",
                event.occurredAt(),
                tenant,
                org.opencrm.platform.events.EventJson.write(event),
                "/crm/test",
                "00-" + traceId + "-00f067aa0ba902b7-01");
        producer.send(record);

        awaitApplied(event);
        assertThat(listener.traceIds.get(event.eventId())).isEqualTo(traceId);
    }

    private RecordMetadata send(DealStageChanged event) {
        var catalogRecord = EventRecords.toRecord(event, "/crm/test");
        try {
            return producer.send(new ProducerRecord<>(
                            DealProjectionListener.TOPIC,
                            null,
                            catalogRecord.key(),
                            catalogRecord.value(),
                            catalogRecord.headers()))
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Until the listener has made the event's last write (its follow-up task) and the deal's view holds it or a
     * newer event: the view alone is the first of three writes, and a test reading the move counter right after it
     * raced the counter's write (seen once in CI: one move of two).
     */
    private void awaitApplied(DealStageChanged event) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mongo.exists(
                                new Query(where("_id")
                                        .is(event.aggregateId())
                                        .and("sourceVersion")
                                        .gte(event.aggregateVersion())),
                                "deal_views")
                        && mongo.exists(
                                new Query(where("_id").is(EventIds.derive(event, "follow-up-task"))),
                                "follow_up_tasks"));
    }

    private long moves(String tenant) {
        var counter = mongo.findById(tenant, Document.class, "stage_moves");
        return counter == null ? 0 : ((Number) counter.get("moves")).longValue();
    }

    private long followUpTasks(String deal) {
        return mongo.count(new Query(where("dealId").is(deal)), "follow_up_tasks");
    }

    private String stageOf(String deal) {
        return mongo.findById(deal, Document.class, "deal_views").getString("stage");
    }

    private long committedOffset(RecordMetadata metadata) throws Exception {
        try (var admin = AdminClient.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()))) {
            var offsets = admin.listConsumerGroupOffsets("consumer-kit-test")
                    .partitionsToOffsetAndMetadata()
                    .get();
            var committed = offsets.get(new TopicPartition(metadata.topic(), metadata.partition()));
            return committed == null ? -1 : committed.offset();
        }
    }

    private static String header(org.apache.kafka.common.header.Headers headers, String name) {
        return EventRecords.header(headers, name).orElse(null);
    }

    private static String newTenant() {
        return "tenant-" + UUID.randomUUID();
    }

    private static DealStageChanged moved(String tenant, String deal, long version, String stage) {
        return new DealStageChanged(
                UUID.randomUUID().toString(),
                tenant,
                deal,
                version,
                Instant.now(),
                Actor.user("manager-1"),
                "pipeline-1",
                "first-call",
                stage,
                "OPEN",
                "manager-1",
                "department-1",
                null,
                null,
                "contact-1",
                "OPEN",
                0,
                1,
                20,
                new Money(new BigDecimal("100.00"), "EUR"),
                10);
    }
}
