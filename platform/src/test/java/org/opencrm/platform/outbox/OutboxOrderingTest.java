package org.opencrm.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencrm.platform.outbox.OutboxTesting.ofTenant;

import io.micrometer.tracing.Tracer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Actor;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.Topics;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.platform.events.EventJson;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.KafkaTestConsumer;
import org.opencrm.testkit.TestInfrastructure;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * Two relays (this service's and a second instance's) publish the same aggregates at once, while several
 * writers keep changing them: each aggregate's events must still arrive complete and in version order.
 */
@SpringBootTest(classes = OutboxTestApplication.class, properties = "crm.outbox.sweep-interval=20ms")
@UseTestInfrastructure
class OutboxOrderingTest {

    private static final int AGGREGATES = 8;
    private static final int WRITERS = 4;
    private static final int MOVES_PER_WRITER = 6;

    @Autowired
    MongoTemplate mongo;

    @Autowired
    Tracer tracer;

    @Test
    void twoRelaysPublishEachAggregatesEventsInVersionOrder() throws Exception {
        String tenant = OutboxTesting.newTenant();
        var properties = new OutboxProperties(
                true,
                "/crm/second-instance",
                "outbox_pending",
                2,
                Duration.ofMillis(20),
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                Duration.ofMillis(50),
                Duration.ofSeconds(1),
                200);
        var secondInstance = OutboxTesting.relay(mongo, TestInfrastructure.kafkaBootstrapServers(), properties);
        List<String> ids = IntStream.range(0, AGGREGATES)
                .mapToObj(i ->
                        mongo.save(TestDeal.open(tenant, Actor.user("creator"))).getId())
                .toList();

        try (var reader = KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.DEALS);
                var writers = Executors.newFixedThreadPool(WRITERS + 1)) {
            secondInstance.start();
            // Writes on the second instance would nudge its relay: nudge it for every aggregate, all along.
            var writing = new AtomicBoolean(true);
            writers.submit(() -> {
                while (writing.get()) {
                    ids.forEach(id -> secondInstance.nudge(PendingMarkers.markerId(TestDeal.COLLECTION, id)));
                    Thread.sleep(2);
                }
                return null;
            });
            List<Callable<Void>> work = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                Actor writer = Actor.user("writer-" + w);
                work.add(() -> {
                    for (int m = 0; m < MOVES_PER_WRITER; m++) {
                        for (String id : ids) {
                            moveWithRetry(id, "stage-" + m, writer);
                        }
                    }
                    return null;
                });
            }
            for (var done : writers.invokeAll(work)) {
                done.get();
            }
            writing.set(false);

            int perAggregate = 1 + WRITERS * MOVES_PER_WRITER;
            var records = reader.await(r -> ofTenant(r, tenant), AGGREGATES * perAggregate, Duration.ofSeconds(60));
            Map<String, List<Long>> versions = records.stream()
                    .collect(Collectors.groupingBy(
                            ConsumerRecord::key, Collectors.mapping(OutboxOrderingTest::version, Collectors.toList())));

            assertThat(versions).hasSize(AGGREGATES);
            List<Long> expected = IntStream.rangeClosed(1, perAggregate)
                    .mapToObj(i -> (long) i)
                    .toList();
            versions.forEach(
                    (id, seen) -> assertThat(seen).as("versions of %s", id).isEqualTo(expected));
        } finally {
            secondInstance.stop();
        }
    }

    @Test
    void anEventCarriesTheTraceOfTheRequestThatCausedIt() {
        String tenant = OutboxTesting.newTenant();
        var span = tracer.nextSpan().name("PATCH /api/deals/{id}").start();
        TestDeal deal;
        try (var scope = tracer.withSpan(span)) {
            deal = mongo.save(TestDeal.open(tenant, Actor.user("manager")));
        } finally {
            span.end();
        }
        try (var reader = KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.DEALS)) {
            var record = reader.await(r -> ofTenant(r, tenant), 1, Duration.ofSeconds(20))
                    .getFirst();
            assertThat(record.key()).isEqualTo(deal.getId());
            assertThat(EventRecords.header(record.headers(), EventHeaders.TRACEPARENT))
                    .hasValueSatisfying(traceparent -> assertThat(traceparent)
                            .startsWith("00-" + span.context().traceId() + "-"));
        }
    }

    private void moveWithRetry(String id, String stage, Actor by) {
        while (true) {
            var deal = mongo.findById(id, TestDeal.class);
            deal.moveTo(stage, by);
            try {
                mongo.save(deal);
                return;
            } catch (OptimisticLockingFailureException concurrentWrite) {
                // Another writer won: reload and apply the move on top of its change.
            }
        }
    }

    private static long version(ConsumerRecord<String, String> record) {
        return EventJson.read(record.value(), DealStageChanged.class).aggregateVersion();
    }
}
