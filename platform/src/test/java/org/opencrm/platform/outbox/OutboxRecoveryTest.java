package org.opencrm.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.opencrm.platform.outbox.OutboxTesting.eventId;
import static org.opencrm.platform.outbox.OutboxTesting.ofTenant;

import java.time.Duration;
import java.time.Instant;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Actor;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.Topics;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.KafkaTestConsumer;
import org.opencrm.testkit.TestInfrastructure;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * The outbox after a crash and after a failed write, on the real broker and database. This service's own
 * relay is switched off, as if the process died right after its writes; relays built by hand play the
 * restarted (or a second) instance.
 */
@SpringBootTest(classes = OutboxTestApplication.class, properties = "crm.outbox.enabled=false")
@UseTestInfrastructure
class OutboxRecoveryTest {

    private static final Actor MANAGER = Actor.user("manager-1");

    @Autowired
    MongoTemplate mongo;

    @Test
    void eventsWrittenBeforeACrashArePublishedByTheNextRelay() {
        String tenant = OutboxTesting.newTenant();
        var deal = TestDeal.open(tenant, MANAGER);
        deal.moveTo("measurement", MANAGER);
        mongo.save(deal);

        // Nothing published yet: the events wait in the document, the marker says where.
        assertThat(mongo.findById(deal.getId(), TestDeal.class).getOutbox()).hasSize(2);
        assertThat(mongo.findById(markerId(deal), Document.class, "outbox_pending"))
                .isNotNull();

        var relay =
                OutboxTesting.relay(mongo, TestInfrastructure.kafkaBootstrapServers(), OutboxTesting.fastProperties());
        try (var reader = KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.DEALS)) {
            relay.start();
            var records = reader.await(r -> ofTenant(r, tenant), 2, Duration.ofSeconds(20));

            assertThat(records).extracting(r -> r.key()).containsOnly(deal.getId());
            assertThat(records)
                    .extracting(OutboxTesting::eventId)
                    .containsExactly(
                            deal.getOutbox().get(0).eventId(),
                            deal.getOutbox().get(1).eventId());
            assertThat(EventRecords.header(records.get(0).headers(), EventHeaders.TYPE))
                    .contains("crm.deals.DealStageChanged.v1");
            assertThat(EventRecords.header(records.get(0).headers(), EventHeaders.SOURCE))
                    .contains("/crm/outbox-test");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(mongo.findById(deal.getId(), TestDeal.class).getOutbox())
                        .isEmpty();
                assertThat(mongo.findById(markerId(deal), Document.class, "outbox_pending"))
                        .isNull();
            });
        } finally {
            relay.stop();
        }
    }

    @Test
    void aRelayThatDiedHoldingAnAggregateIsTakenOverWhenItsLeaseEnds() {
        String tenant = OutboxTesting.newTenant();
        var deal = TestDeal.open(tenant, MANAGER);
        mongo.save(deal);
        var dead =
                OutboxTesting.relay(mongo, TestInfrastructure.kafkaBootstrapServers(), OutboxTesting.fastProperties());
        // The dead relay claimed the aggregate and never finished: its lease still runs for 2 seconds.
        assertThat(dead.markers().claim(markerId(deal), "dead-relay", Instant.now(), Duration.ofSeconds(2)))
                .isPresent();

        var survivor =
                OutboxTesting.relay(mongo, TestInfrastructure.kafkaBootstrapServers(), OutboxTesting.fastProperties());
        try (var reader = KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.DEALS)) {
            survivor.start();
            assertThat(reader.drain(r -> ofTenant(r, tenant), Duration.ofMillis(1000)))
                    .as("nobody publishes while the lease runs")
                    .isEmpty();
            assertThat(reader.await(r -> ofTenant(r, tenant), 1, Duration.ofSeconds(20)))
                    .extracting(OutboxTesting::eventId)
                    .containsExactly(deal.getOutbox().get(0).eventId());
        } finally {
            survivor.stop();
        }
    }

    @Test
    void aWriteThatFailedPublishesNothing() {
        String tenant = OutboxTesting.newTenant();
        var deal = TestDeal.open(tenant, MANAGER);
        mongo.save(deal);
        var first = mongo.findById(deal.getId(), TestDeal.class);
        var stale = mongo.findById(deal.getId(), TestDeal.class);

        var moved = first.moveTo("measurement", MANAGER);
        mongo.save(first);
        var lost = stale.moveTo("approval", MANAGER);
        assertThatThrownBy(() -> mongo.save(stale)).isInstanceOf(OptimisticLockingFailureException.class);
        var latest = mongo.findById(deal.getId(), TestDeal.class);
        var sentinel = latest.moveTo("payment", MANAGER);
        mongo.save(latest);

        var relay =
                OutboxTesting.relay(mongo, TestInfrastructure.kafkaBootstrapServers(), OutboxTesting.fastProperties());
        try (var reader = KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.DEALS)) {
            relay.start();
            // The sentinel is the aggregate's last event: once it is in, everything before it is too.
            var records = reader.await(
                    r -> ofTenant(r, tenant) && eventId(r).equals(sentinel.eventId()), 1, Duration.ofSeconds(20));
            assertThat(records).hasSize(1);
            assertThat(reader.drain(r -> ofTenant(r, tenant), Duration.ofMillis(300)))
                    .extracting(OutboxTesting::eventId)
                    .containsExactly(deal.getOutbox().get(0).eventId(), moved.eventId(), sentinel.eventId())
                    .doesNotContain(lost.eventId());
        } finally {
            relay.stop();
        }
    }

    private static String markerId(TestDeal deal) {
        return PendingMarkers.markerId(TestDeal.COLLECTION, deal.getId());
    }
}
