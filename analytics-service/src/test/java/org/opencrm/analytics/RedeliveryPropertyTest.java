package org.opencrm.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.bson.Document;
import org.opencrm.analytics.projection.FactWriter;
import org.opencrm.analytics.projection.ProjectionCollections;
import org.opencrm.analytics.projection.ProjectionIndexes;
import org.opencrm.events.CrmEvent;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.DealStepHistories;
import org.opencrm.testkit.Redelivery;
import org.opencrm.testkit.RedeliveryProperty;
import org.opencrm.testkit.TaskStepHistories;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;

/**
 * Issue #12 item 4 on analytics-service's consumer: a generated history of deal and task events, delivered with each
 * event 1-3 times in any order, in polls of random sizes, stores exactly the facts the history stores delivered once
 * in order.
 *
 * <p>What is shuffled: everything, each aggregate's own events included. docs/analytics.md claims that much (every
 * write converges whatever the number of deliveries and whatever the order of one aggregate's events: a group takes
 * only a newer version, sets only grow), because a rebuild's replay and the live listener interleave old and new
 * events of one deal. The records go through {@code EventRecords.decode} and {@link FactWriter} in batches, as
 * {@code AnalyticsEventListener} hands each poll over, into two fresh projection versions of the module's shared test
 * context; the comparison is the one {@code ConcurrentFactWritersTest} uses (revisions and marks left out, sets
 * sorted, emptied rollups dropped).
 */
class RedeliveryPropertyTest {

    private static final Instant START = Instant.parse("2025-03-02T09:00:00Z");
    private static final List<String> PEOPLE = List.of("anna", "boris", "clara");

    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @UseTestInfrastructure
    static class SharedContext {}

    private static final RedeliveryProperty PROPERTY = new RedeliveryProperty("analytics-service facts");
    private static final List<DealStepHistories.Step> DEAL_STEPS = List.of(
            DealStepHistories.Step.STAGE_FORWARD,
            DealStepHistories.Step.WON,
            DealStepHistories.Step.LOST,
            DealStepHistories.Step.REOPEN);
    private static final List<TaskStepHistories.Step> TASK_STEPS = List.of(
            TaskStepHistories.Step.ESCALATE,
            TaskStepHistories.Step.OVERDUE,
            TaskStepHistories.Step.COMPLETE,
            TaskStepHistories.Step.CANCEL);

    private static MongoTemplate mongo;
    private static FactWriter writer;
    private static ProjectionIndexes indexes;

    @BeforeContainer
    static void context() {
        var context = new org.springframework.test.context.TestContextManager(SharedContext.class)
                .getTestContext()
                .getApplicationContext();
        mongo = context.getBean(MongoTemplate.class);
        writer = context.getBean(FactWriter.class);
        indexes = context.getBean(ProjectionIndexes.class);
    }

    @AfterContainer
    static void figures() {
        System.out.println(PROPERTY.figures());
    }

    /**
     * @param deals per deal, the steps after its creation: 0 stage forward, 1 won, 2 lost, 3 reopen (a step that does
     *     not fit, such as reopening an open deal, is a stage move)
     * @param tasks per task (of the deal of the same index, if any), the steps after its creation: 0 escalated to
     *     the next person, 1 overdue, 2 completed, 3 cancelled
     */
    @Property(tries = 30, seed = "20261122")
    void redeliveredInAnyOrderStoresTheSameFactsAsOnceInOrder(
            @ForAll @Size(min = 1, max = 4) List<@Size(max = 6) List<@IntRange(min = 0, max = 3) Integer>> deals,
            @ForAll @Size(max = 4) List<@Size(max = 4) List<@IntRange(min = 0, max = 3) Integer>> tasks,
            @ForAll long shuffleSeed) {
        String tenant = "prop-" + UUID.randomUUID();
        List<CrmEvent> history = new ArrayList<>(DealStepHistories.deals(
                tenant, START, RedeliveryProperty.steps(deals, DEAL_STEPS), d -> PEOPLE.get(d % PEOPLE.size())));
        history.addAll(TaskStepHistories.tasks(
                tenant,
                START.plus(10, ChronoUnit.MINUTES),
                RedeliveryProperty.steps(tasks, TASK_STEPS),
                PEOPLE,
                t -> DealStepHistories.dealId(tenant, t)));
        var random = new Random(shuffleSeed);
        var redelivered = Redelivery.redeliveredAndShuffled(history, random);
        int[] version = {2_000_000 + ThreadLocalRandom.current().nextInt(1_000_000_000)};

        var onceInOrder = PROPERTY.assertSameState(history, redelivered, events -> {
            var target = new ProjectionCollections(version[0]++);
            indexes.ensure(target);
            poll(events, target, random);
            Map<String, Map<Object, Document>> facts = new LinkedHashMap<>();
            // by the collection's name without its version
            target.all().forEach(c -> facts.put(c.substring(0, c.lastIndexOf("_v")), stored(c)));
            target.all().forEach(mongo::dropCollection);
            return facts;
        });
        assertThat(onceInOrder.get("deal_facts")).hasSize(deals.size());
    }

    /** The records as the broker hands them over, decoded like the listener does, in polls of 1-40 records. */
    private static void poll(List<CrmEvent> events, ProjectionCollections target, Random random) {
        var records = Redelivery.records(events, event -> EventRecords.toRecord(event, "/crm/test"));
        int offset = 0;
        while (offset < records.size()) {
            int size = Math.min(records.size() - offset, 1 + random.nextInt(40));
            List<CrmEvent> batch = new ArrayList<>();
            records.subList(offset, offset + size)
                    .forEach(record -> EventRecords.decode(record).ifPresent(batch::add));
            writer.apply(batch, target);
            offset += size;
        }
    }

    private static Map<Object, Document> stored(String collection) {
        Map<Object, Document> byId = new LinkedHashMap<>();
        mongo.find(new Query(), Document.class, collection).stream()
                .filter(doc -> !(doc.get("e") instanceof Document entries && entries.isEmpty()))
                .sorted((a, b) -> String.valueOf(a.get("_id")).compareTo(String.valueOf(b.get("_id"))))
                .forEach(doc -> {
                    doc.remove("rev");
                    doc.remove("marks");
                    doc.replaceAll((name, value) -> value instanceof List<?> list ? sorted(list) : value);
                    byId.put(doc.get("_id"), doc);
                });
        return byId;
    }

    private static List<String> sorted(List<?> values) {
        List<String> copy = new ArrayList<>(values.stream().map(String::valueOf).toList());
        Collections.sort(copy);
        return copy;
    }
}
