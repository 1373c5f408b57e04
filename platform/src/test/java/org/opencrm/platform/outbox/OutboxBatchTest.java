package org.opencrm.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencrm.platform.outbox.OutboxTesting.ofTenant;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Actor;
import org.opencrm.events.Topics;
import org.opencrm.testkit.KafkaTestConsumer;
import org.opencrm.testkit.TestInfrastructure;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;

/**
 * The bulk path of the outbox ({@link AggregateBatchWriter} and the relay's batches) on the real broker and
 * database, in the context of {@link OutboxRecoveryTest}: this service's relay is off, as if the process died
 * right after its writes, and relays built by hand play the restarted instance.
 */
@SpringBootTest(classes = OutboxTestApplication.class, properties = "crm.outbox.enabled=false")
@UseTestInfrastructure
class OutboxBatchTest {

    private static final Actor IMPORTER = Actor.user("importer-1");
    private static final int DEALS = 450;

    @Autowired
    MongoTemplate mongo;

    @Autowired
    AggregateBatchWriter writer;

    @Test
    void aBatchStoredBeforeTheProcessDiedIsPublishedCompletelyAndInOrderByTheNextRelay() {
        String tenant = OutboxTesting.newTenant();
        var deals = new ArrayList<TestDeal>();
        for (int i = 0; i < DEALS; i++) {
            var deal = TestDeal.open(tenant, IMPORTER);
            if (i % 3 == 0) {
                deal.moveTo("measurement", IMPORTER);
            }
            deals.add(deal);
        }
        writer.insertAll(deals);
        int events = deals.stream().mapToInt(d -> d.getOutbox().size()).sum();

        // The writes are all there with a marker each; this relay never ran, so nothing is published.
        assertThat(mongo.count(new Query(where("tenantId").is(tenant)), TestDeal.class))
                .isEqualTo(DEALS);
        assertThat(mongo.count(new Query(where("_id").in(markerIds(deals))), "outbox_pending"))
                .isEqualTo(DEALS);
        // One aggregate is held by a relay that died with a long lease: the batches must leave it alone.
        var held = deals.get(7);
        var anyRelay =
                OutboxTesting.relay(mongo, TestInfrastructure.kafkaBootstrapServers(), OutboxTesting.fastProperties());
        assertThat(anyRelay.markers().claim(markerId(held), "dead-relay", Instant.now(), Duration.ofMinutes(5)))
                .isPresent();

        var restarted =
                OutboxTesting.relay(mongo, TestInfrastructure.kafkaBootstrapServers(), OutboxTesting.fastProperties());
        try (var reader = KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.DEALS)) {
            restarted.start();
            int expected = events - held.getOutbox().size();
            reader.await(r -> ofTenant(r, tenant), expected, Duration.ofSeconds(60));
            // Exactly each aggregate's events in version order: nothing twice, nothing of the held one.
            assertPublishedInOrder(deals, held, reader.drain(r -> ofTenant(r, tenant), Duration.ofMillis(500)));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(mongo.count(
                                new Query(where("tenantId")
                                        .is(tenant)
                                        .and("outbox.0")
                                        .exists(true)),
                                TestDeal.class))
                        .as("only the held aggregate keeps its outbox")
                        .isEqualTo(1);
                assertThat(mongo.count(new Query(where("_id").in(markerIds(deals))), "outbox_pending"))
                        .as("settled markers are deleted")
                        .isEqualTo(1);
            });
        } finally {
            restarted.stop();
        }
    }

    @Test
    void aBatchWrittenWhileTheRelayRunsIsPublishedAtOnceInBatches() {
        String tenant = OutboxTesting.newTenant();
        var relay =
                OutboxTesting.relay(mongo, TestInfrastructure.kafkaBootstrapServers(), OutboxTesting.fastProperties());
        var liveWriter = new AggregateBatchWriter(mongo, () -> relay, Clock.systemUTC());
        var deals = new ArrayList<TestDeal>();
        for (int i = 0; i < DEALS; i++) {
            deals.add(TestDeal.open(tenant, IMPORTER));
        }
        try (var reader = KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.DEALS)) {
            relay.start();
            liveWriter.insertAll(deals);
            reader.await(r -> ofTenant(r, tenant), DEALS, Duration.ofSeconds(60));
            assertPublishedInOrder(deals, null, reader.drain(r -> ofTenant(r, tenant), Duration.ofMillis(300)));
            // A later change of one of them goes through the single path and follows its first event.
            var first = deals.getFirst();
            var changed = mongo.findById(first.getId(), TestDeal.class);
            var moved = changed.moveTo("measurement", IMPORTER);
            mongo.save(changed);
            assertThat(reader.await(
                            r -> ofTenant(r, tenant) && r.key().equals(first.getId()), 2, Duration.ofSeconds(20)))
                    .extracting(OutboxTesting::eventId)
                    .containsExactly(first.getOutbox().getFirst().eventId(), moved.eventId());
        } finally {
            relay.stop();
        }
    }

    @Test
    void aBatchWriteSlowerThanTheMarkerGraceIsStillPublished() {
        String tenant = OutboxTesting.newTenant();
        var relay =
                OutboxTesting.relay(mongo, TestInfrastructure.kafkaBootstrapServers(), OutboxTesting.fastProperties());
        var otherInstance =
                OutboxTesting.relay(mongo, TestInfrastructure.kafkaBootstrapServers(), OutboxTesting.fastProperties());
        // The writer touches the markers, then its insert takes longer than the grace (200 ms here; on a loaded
        // machine a big batch can): meanwhile another instance's sweeper finds the markers untouched for the grace,
        // their aggregates without events (not written yet) and deletes them as settled.
        var writerClock = new MovableClock(Instant.now().minusSeconds(1));
        var sweptDuringTheWrite = new java.util.concurrent.atomic.AtomicInteger();
        var slowMongo = new MongoTemplate(mongo.getMongoDatabaseFactory(), mongo.getConverter()) {
            @Override
            public <T> java.util.Collection<T> insertAll(java.util.Collection<? extends T> objects) {
                sweptDuringTheWrite.set(otherInstance.sweep());
                writerClock.set(Instant.now());
                return super.insertAll(objects);
            }
        };
        var writer = new AggregateBatchWriter(slowMongo, () -> relay, writerClock);
        var deals = new ArrayList<TestDeal>();
        for (int i = 0; i < 50; i++) {
            deals.add(TestDeal.open(tenant, IMPORTER));
        }
        try (var reader = KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.DEALS)) {
            relay.start();
            writer.insertAll(deals);
            assertThat(sweptDuringTheWrite.get())
                    .as("the other instance took the batch's markers during the write")
                    .isGreaterThanOrEqualTo(deals.size());
            reader.await(r -> ofTenant(r, tenant), deals.size(), Duration.ofSeconds(30));
            assertPublishedInOrder(deals, null, reader.drain(r -> ofTenant(r, tenant), Duration.ofMillis(300)));
        } finally {
            relay.stop();
        }
    }

    /** A clock a test sets: the writer's view of time while its write is slow. */
    private static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private static void assertPublishedInOrder(
            List<TestDeal> deals, TestDeal held, List<ConsumerRecord<String, String>> records) {
        Map<String, List<String>> byDeal = records.stream()
                .collect(Collectors.groupingBy(
                        ConsumerRecord::key, Collectors.mapping(OutboxTesting::eventId, Collectors.toList())));
        for (var deal : deals) {
            if (deal == held) {
                assertThat(byDeal).doesNotContainKey(deal.getId());
            } else {
                assertThat(byDeal.get(deal.getId()))
                        .as("events of deal %s", deal.getId())
                        .containsExactlyElementsOf(deal.getOutbox().stream()
                                .map(OutboxEntry::eventId)
                                .toList());
            }
        }
    }

    private static List<String> markerIds(List<TestDeal> deals) {
        return deals.stream().map(OutboxBatchTest::markerId).toList();
    }

    private static String markerId(TestDeal deal) {
        return PendingMarkers.markerId(TestDeal.COLLECTION, deal.getId());
    }
}
