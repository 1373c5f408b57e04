package org.opencrm.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.bson.Document;
import org.opencrm.analytics.projection.FactWriter;
import org.opencrm.analytics.projection.ProjectionCollections;
import org.opencrm.analytics.projection.ProjectionIndexes;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Money;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.events.deals.DealLost;
import org.opencrm.events.deals.DealReopened;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.events.deals.DealWon;
import org.opencrm.events.tasks.ReassignmentReason;
import org.opencrm.events.tasks.TaskCancelled;
import org.opencrm.events.tasks.TaskCompleted;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.events.tasks.TaskOverdue;
import org.opencrm.events.tasks.TaskReassigned;
import org.opencrm.platform.events.EventRecords;
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
    private static final List<String> STAGES = List.of("new", "measure", "approval");
    private static final List<String> PEOPLE = List.of("anna", "boris", "clara");

    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @UseTestInfrastructure
    static class SharedContext {}

    private static MongoTemplate mongo;
    private static FactWriter writer;
    private static ProjectionIndexes indexes;
    private static int tries;
    private static int delivered;
    private static int same;

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
        System.out.println("[reliability] analytics-service facts: " + tries + " tries, " + delivered + " deliveries, "
                + same + " tries with the same facts as once in order");
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
        List<CrmEvent> history = new ArrayList<>(deals(tenant, deals));
        history.addAll(tasks(tenant, tasks));
        int version = 2_000_000 + ThreadLocalRandom.current().nextInt(1_000_000_000);
        var onceInOrder = new ProjectionCollections(version);
        var redelivered = new ProjectionCollections(version + 1);
        indexes.ensure(onceInOrder);
        indexes.ensure(redelivered);
        var random = new Random(shuffleSeed);

        poll(history, onceInOrder, random);
        List<CrmEvent> shuffled = new ArrayList<>();
        for (CrmEvent event : history) {
            for (int copies = 1 + random.nextInt(3); copies > 0; copies--) {
                shuffled.add(event);
            }
        }
        Collections.shuffle(shuffled, random);
        poll(shuffled, redelivered, random);

        tries++;
        for (int i = 0; i < onceInOrder.all().size(); i++) {
            assertThat(stored(redelivered.all().get(i)))
                    .as(
                            "%s delivered as %s",
                            redelivered.all().get(i),
                            shuffled.stream()
                                    .map(RedeliveryPropertyTest::describe)
                                    .toList())
                    .isEqualTo(stored(onceInOrder.all().get(i)));
        }
        assertThat(stored(onceInOrder.deals())).hasSize(deals.size());
        same++;
        onceInOrder.all().forEach(mongo::dropCollection);
        redelivered.all().forEach(mongo::dropCollection);
    }

    /** The records as the broker hands them over, decoded like the listener does, in polls of 1-40 records. */
    private static void poll(List<CrmEvent> events, ProjectionCollections target, Random random) {
        int offset = 0;
        while (offset < events.size()) {
            int size = Math.min(events.size() - offset, 1 + random.nextInt(40));
            List<CrmEvent> batch = new ArrayList<>();
            for (CrmEvent event : events.subList(offset, offset + size)) {
                var produced = EventRecords.toRecord(event, "/crm/test");
                var record = new ConsumerRecord<>(
                        produced.topic(),
                        0,
                        offset,
                        event.occurredAt().toEpochMilli(),
                        TimestampType.CREATE_TIME,
                        -1,
                        -1,
                        produced.key(),
                        produced.value(),
                        produced.headers(),
                        java.util.Optional.empty());
                EventRecords.decode(record).ifPresent(batch::add);
                delivered++;
            }
            writer.apply(batch, target);
            offset += size;
        }
    }

    private Map<Object, Document> stored(String collection) {
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

    private static List<CrmEvent> deals(String tenant, List<List<Integer>> deals) {
        List<CrmEvent> events = new ArrayList<>();
        for (int d = 0; d < deals.size(); d++) {
            String deal = "deal-" + d + "-" + tenant;
            String owner = PEOPLE.get(d % PEOPLE.size());
            int stage = 0;
            String kind = "OPEN";
            long version = 1;
            Instant created = START.plus(d, ChronoUnit.MINUTES);
            Instant at = created;
            var money = new Money(new BigDecimal(100 * (d + 1) + ".00"), "EUR");
            var actor = Actor.user(owner);
            events.add(new DealCreated(
                    id(),
                    tenant,
                    deal,
                    version,
                    at,
                    actor,
                    "p1",
                    STAGES.get(0),
                    "OPEN",
                    0,
                    10,
                    "Deal " + d,
                    null,
                    null,
                    owner,
                    "d1",
                    money,
                    "web",
                    null,
                    null));
            for (int step : deals.get(d)) {
                version++;
                at = at.plus(1, ChronoUnit.HOURS);
                boolean open = kind.equals("OPEN");
                if (step == 1 && open) {
                    events.add(new DealWon(
                            id(),
                            tenant,
                            deal,
                            version,
                            at,
                            actor,
                            "p1",
                            "won",
                            STAGES.get(stage),
                            null,
                            owner,
                            "d1",
                            money,
                            created));
                    kind = "WON";
                } else if (step == 2 && open) {
                    events.add(new DealLost(
                            id(),
                            tenant,
                            deal,
                            version,
                            at,
                            actor,
                            "p1",
                            "lost",
                            STAGES.get(stage),
                            "price",
                            null,
                            owner,
                            "d1",
                            money,
                            created));
                    kind = "LOST";
                } else if (!open) {
                    events.add(new DealReopened(
                            id(),
                            tenant,
                            deal,
                            version,
                            at,
                            actor,
                            "p1",
                            kind.toLowerCase(),
                            STAGES.get(0),
                            null,
                            owner,
                            "d1",
                            money));
                    stage = 0;
                    kind = "OPEN";
                } else {
                    int to = Math.min(stage + 1, STAGES.size() - 1);
                    events.add(new DealStageChanged(
                            id(),
                            tenant,
                            deal,
                            version,
                            at,
                            actor,
                            "p1",
                            STAGES.get(stage),
                            STAGES.get(to),
                            "OPEN",
                            owner,
                            "d1",
                            null,
                            null,
                            null,
                            "OPEN",
                            stage,
                            to,
                            40,
                            money,
                            3600));
                    stage = to;
                }
            }
        }
        return events;
    }

    private static List<CrmEvent> tasks(String tenant, List<List<Integer>> tasks) {
        List<CrmEvent> events = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            String task = "task-" + t + "-" + tenant;
            String deal = "deal-" + t + "-" + tenant;
            String assignee = PEOPLE.get(t % PEOPLE.size());
            long version = 1;
            Instant at = START.plus(t, ChronoUnit.MINUTES).plus(10, ChronoUnit.MINUTES);
            Instant due = at.plus(2, ChronoUnit.HOURS);
            var actor = Actor.system("tasks-service");
            events.add(new TaskCreated(
                    id(),
                    tenant,
                    task,
                    version,
                    at,
                    actor,
                    "Call " + t,
                    "CALL",
                    assignee,
                    "d1",
                    due,
                    "NORMAL",
                    deal,
                    null,
                    null,
                    null));
            boolean open = true;
            for (int step : tasks.get(t)) {
                if (!open) {
                    break;
                }
                version++;
                at = at.plus(45, ChronoUnit.MINUTES);
                switch (step) {
                    case 0 -> {
                        String next = PEOPLE.get((PEOPLE.indexOf(assignee) + 1) % PEOPLE.size());
                        events.add(new TaskReassigned(
                                id(),
                                tenant,
                                task,
                                version,
                                at,
                                actor,
                                assignee,
                                next,
                                "d1",
                                ReassignmentReason.OVERDUE_ESCALATION,
                                "Call " + t,
                                due,
                                deal,
                                null));
                        assignee = next;
                    }
                    case 1 ->
                        events.add(new TaskOverdue(
                                id(),
                                tenant,
                                task,
                                version,
                                at,
                                actor,
                                "Call " + t,
                                assignee,
                                "d1",
                                due,
                                "NORMAL",
                                deal,
                                null));
                    case 2 -> {
                        events.add(new TaskCompleted(
                                id(), tenant, task, version, at, actor, "CALL", assignee, "d1", due, "DONE", deal, null,
                                null, false));
                        open = false;
                    }
                    default -> {
                        events.add(new TaskCancelled(
                                id(), tenant, task, version, at, actor, "MANUAL", assignee, "d1", deal, null));
                        open = false;
                    }
                }
            }
        }
        return events;
    }

    private static String describe(CrmEvent event) {
        return event.getClass().getSimpleName() + " " + event.aggregateId().substring(0, 6) + " v"
                + event.aggregateVersion();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
