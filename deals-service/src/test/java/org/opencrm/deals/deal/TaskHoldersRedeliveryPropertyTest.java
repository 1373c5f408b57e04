package org.opencrm.deals.deal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.tasks.ReassignmentReason;
import org.opencrm.events.tasks.TaskCancelled;
import org.opencrm.events.tasks.TaskCompleted;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.events.tasks.TaskReassigned;
import org.opencrm.events.tasks.TaskUpdated;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.Redelivery;
import org.opencrm.testkit.RedeliveryProperty;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.test.context.TestContextManager;

/**
 * Issue #12 item 4 on deals-service's task consumer ({@link TaskListener}): a generated history of task events,
 * delivered with each event 1-3 times and the tasks interleaved at random, leaves the same task holders (who holds a
 * task on which deal, and so may see and work on it) as the history delivered once in order.
 *
 * <p>What is shuffled: the order between tasks (different keys, different partitions); each task's events first arrive
 * in their order and a copy of an event may come again any time later. The listener claims no more: each task's row
 * takes only newer versions. Runs the real listener method on the real database of the module's shared test context.
 */
class TaskHoldersRedeliveryPropertyTest {

    private static final Instant START = Instant.parse("2025-03-02T09:00:00Z");

    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @UseTestInfrastructure
    static class SharedContext {}

    private static MongoTemplate mongo;
    private static TaskListener listener;
    private static final RedeliveryProperty PROPERTY = new RedeliveryProperty("deals-service TaskListener");

    @BeforeContainer
    static void context() {
        var context =
                new TestContextManager(SharedContext.class).getTestContext().getApplicationContext();
        mongo = context.getBean(MongoTemplate.class);
        listener = context.getBean(TaskListener.class);
    }

    @AfterContainer
    static void figures() {
        System.out.println(PROPERTY.figures());
    }

    /**
     * @param tasks per task, the steps after its creation: 0 reassigned, 1 escalated with its deal named, 2 moved to
     *     the next deal, 3 taken off any deal, 4 completed, 5 cancelled (nothing follows the end of a task)
     */
    @Property(tries = 30, seed = "20261122")
    void redeliveredAndInterleavedEndsLikeOnceInOrder(
            @ForAll @Size(min = 1, max = 5) List<@Size(max = 6) List<@IntRange(min = 0, max = 5) Integer>> tasks,
            @ForAll long shuffleSeed) {
        String tenant = "prop-" + UUID.randomUUID();
        List<CrmEvent> history = history(tenant, tasks);

        var shuffled = Redelivery.redeliveredAndInterleaved(history, CrmEvent::aggregateId, new Random(shuffleSeed));

        String onceInOrder = PROPERTY.assertSameState(history, shuffled, events -> {
            Redelivery.wipe(mongo, tenant, Set.of());
            deliver(events);
            return Redelivery.snapshot(mongo, tenant, Set.of());
        });
        assertThat(onceInOrder).contains(TaskHolders.COLLECTION);
    }

    private static void deliver(List<CrmEvent> events) {
        long offset = 0;
        for (CrmEvent event : events) {
            listener.on(Redelivery.record(EventRecords.toRecord(event, "/crm/test"), event.occurredAt(), offset++));
        }
    }

    private static List<CrmEvent> history(String tenant, List<List<Integer>> tasks) {
        List<CrmEvent> events = new ArrayList<>();
        var actor = Actor.system("tasks-service");
        for (int t = 0; t < tasks.size(); t++) {
            String task = "task-" + t + "-" + tenant;
            int dealIndex = t % 3;
            String deal = "deal-" + dealIndex;
            String assignee = "user-" + t;
            String title = "Measure " + t;
            long version = 1;
            Instant at = START.plus(t, ChronoUnit.MINUTES);
            Instant due = START.plus(1, ChronoUnit.DAYS);
            events.add(new TaskCreated(
                    id(), tenant, task, version, at, actor, title, "VISIT", assignee, "d1", due, "NORMAL", deal, null,
                    null, null));
            for (int step : tasks.get(t)) {
                version++;
                at = at.plus(30, ChronoUnit.MINUTES);
                if (step == 0 || step == 1) {
                    String next = assignee + "x";
                    // a manual reassignment may leave the deal out; an escalation names it
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
                            step == 0 ? ReassignmentReason.MANUAL : ReassignmentReason.OVERDUE_ESCALATION,
                            title,
                            due,
                            step == 0 ? null : deal,
                            null));
                    assignee = next;
                } else if (step == 2 || step == 3) {
                    deal = step == 2 ? "deal-" + (++dealIndex % 3) : null;
                    events.add(new TaskUpdated(
                            id(),
                            tenant,
                            task,
                            version,
                            at,
                            actor,
                            List.of("dealId"),
                            title,
                            "VISIT",
                            due,
                            "NORMAL",
                            deal,
                            null));
                } else if (step == 4) {
                    events.add(new TaskCompleted(
                            id(),
                            tenant,
                            task,
                            version,
                            at,
                            actor,
                            "VISIT",
                            assignee,
                            "d1",
                            due,
                            "measured",
                            deal,
                            null,
                            null,
                            false));
                    break;
                } else {
                    events.add(new TaskCancelled(
                            id(), tenant, task, version, at, actor, "MANUAL", assignee, "d1", deal, null));
                    break;
                }
            }
        }
        return events;
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
