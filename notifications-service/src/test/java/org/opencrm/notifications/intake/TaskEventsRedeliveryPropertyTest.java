package org.opencrm.notifications.intake;

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
import org.opencrm.events.tasks.TaskOverdue;
import org.opencrm.events.tasks.TaskReassigned;
import org.opencrm.events.teams.TeamMember;
import org.opencrm.events.teams.TeamUpdated;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.Redelivery;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.test.context.TestContextManager;

/**
 * Issue #12 item 4 on notifications-service's task consumer ({@link EventIntake#tasks}): a generated history of task
 * events, delivered with each event 1-3 times and the tasks interleaved at random, leaves the same task copies and
 * deliveries (one per notice, recipient and channel, in-app ones included) as the history delivered once in order.
 *
 * <p>What is shuffled: the order between tasks (different keys, different partitions); each task's events first
 * arrive in their order and copies of them come again any time later, which is what the intake claims to absorb
 * (task copies take only newer versions, a notice's deliveries and notifications have ids derived from the event).
 * A delivery's progress (status, attempts, log) is left out of the comparison: the delivery worker moves it on its own
 * schedule. Calls the listener method directly on the real database of the module's shared test context.
 */
class TaskEventsRedeliveryPropertyTest {

    private static final Set<String> KEPT = Set.of("teams", "user_profiles", "preferences", "routes", "webhooks");
    /**
     * Also not compared: the in-app notifications, which the delivery worker writes on its own schedule from the
     * IN_APP deliveries (under the delivery's id, so once each), and those deliveries are compared.
     */
    private static final Set<String> NOT_COMPARED =
            Set.of("teams", "user_profiles", "preferences", "routes", "webhooks", "inapp_notifications");

    private static final Set<String> PROGRESS = Set.of(
            "status",
            "reason",
            "attempts",
            "nextAttemptAt",
            "giveUpAt",
            "settledAt",
            "log",
            "lockedBy",
            "lockedUntil",
            "version");
    private static final Instant START = Instant.parse("2025-03-02T09:00:00Z");
    private static final List<String> PEOPLE = List.of("anna", "boris", "clara");

    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @UseTestInfrastructure
    static class SharedContext {}

    private static MongoTemplate mongo;
    private static EventIntake intake;
    private static int tries;
    private static int delivered;
    private static int same;

    @BeforeContainer
    static void context() throws Exception {
        var context =
                new TestContextManager(SharedContext.class).getTestContext().getApplicationContext();
        mongo = context.getBean(MongoTemplate.class);
        intake = context.getBean(EventIntake.class);
    }

    @AfterContainer
    static void figures() {
        System.out.println("[reliability] notifications-service EventIntake.tasks: " + tries + " tries, " + delivered
                + " deliveries, " + same + " tries with the same state as once in order");
    }

    /**
     * @param tasks per task, the steps after its creation: 0 reassign, 1 overdue, 2 complete, 3 cancel (a step after
     *     the task ended is a reassignment's no-op skipped)
     */
    @Property(tries = 30, seed = "20261122")
    void redeliveredAndInterleavedEndsLikeOnceInOrder(
            @ForAll @Size(min = 1, max = 4) List<@Size(max = 6) List<@IntRange(min = 0, max = 3) Integer>> tasks,
            @ForAll long shuffleSeed) {
        String tenant = "prop-" + UUID.randomUUID();
        team(tenant);
        List<CrmEvent> history = history(tenant, tasks);

        deliver(history);
        String onceInOrder = Redelivery.snapshot(mongo, tenant, NOT_COMPARED, PROGRESS);
        Redelivery.wipe(mongo, tenant, KEPT);
        var shuffled = Redelivery.redeliveredAndInterleaved(history, CrmEvent::aggregateId, new Random(shuffleSeed));
        deliver(shuffled);
        String redelivered = Redelivery.snapshot(mongo, tenant, NOT_COMPARED, PROGRESS);

        tries++;
        assertThat(onceInOrder).contains("task_copies");
        assertThat(redelivered)
                .as(
                        "delivered as %s",
                        shuffled.stream()
                                .map(TaskEventsRedeliveryPropertyTest::describe)
                                .toList())
                .isEqualTo(onceInOrder);
        same++;
    }

    private static void deliver(List<CrmEvent> events) {
        long offset = 0;
        for (CrmEvent event : events) {
            intake.tasks(Redelivery.record(EventRecords.toRecord(event, "/crm/test"), event.occurredAt(), offset++));
            delivered++;
        }
    }

    private static void team(String tenant) {
        var members = PEOPLE.stream()
                .map(p -> new TeamMember(
                        p, p, p + "@" + tenant + ".test", null, List.of("MANAGER"), "UTC", "en", true, null))
                .toList();
        var team = new TeamUpdated(
                UUID.randomUUID().toString(),
                tenant,
                "d1",
                1,
                START,
                Actor.system("test"),
                "Sales",
                true,
                List.of("clara"),
                members);
        intake.teams(Redelivery.record(EventRecords.toRecord(team, "/crm/test"), team.occurredAt(), 0));
    }

    private static List<CrmEvent> history(String tenant, List<List<Integer>> tasks) {
        List<CrmEvent> events = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            String task = "task-" + t + "-" + tenant;
            String assignee = PEOPLE.get(t % PEOPLE.size());
            long version = 1;
            Instant at = START.plus(t, ChronoUnit.MINUTES);
            Instant due = at.plus(1, ChronoUnit.HOURS);
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
                    null,
                    null,
                    null,
                    null));
            boolean open = true;
            for (int step : tasks.get(t)) {
                if (!open) {
                    break;
                }
                version++;
                at = at.plus(30, ChronoUnit.MINUTES);
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
                                ReassignmentReason.MANUAL,
                                "Call " + t,
                                due,
                                null,
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
                                null,
                                null));
                    case 2 -> {
                        events.add(new TaskCompleted(
                                id(), tenant, task, version, at, actor, "CALL", assignee, "d1", due, "DONE", null, null,
                                null, false));
                        open = false;
                    }
                    default -> {
                        events.add(new TaskCancelled(
                                id(), tenant, task, version, at, actor, "MANUAL", assignee, "d1", null, null));
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
