package org.opencrm.notifications.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencrm.notifications.intake.IntakeRedelivery.PEOPLE;
import static org.opencrm.notifications.intake.IntakeRedelivery.START;

import java.util.List;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.opencrm.events.CrmEvent;
import org.opencrm.testkit.Redelivery;
import org.opencrm.testkit.RedeliveryProperty;
import org.opencrm.testkit.TaskStepHistories;
import org.opencrm.testkit.TaskStepHistories.Step;

/**
 * Issue #12 item 4 on notifications-service's task consumer ({@link EventIntake#tasks}): a generated history of task
 * events, delivered with each event 1-3 times and the tasks interleaved at random, leaves the same task copies and
 * deliveries (one per notice, recipient and channel, in-app ones and webhooks included) as the history delivered once
 * in order.
 *
 * <p>What is shuffled: the order between tasks (different keys, different partitions); each task's events first
 * arrive in their order and copies of them come again any time later, which is what the intake claims to absorb
 * (task copies take only newer versions, a notice's deliveries and notifications have ids derived from the event).
 * Calls the listener method directly on the real database of the module's test context.
 */
class TaskEventsRedeliveryPropertyTest {

    private static final RedeliveryProperty PROPERTY =
            new RedeliveryProperty("notifications-service EventIntake.tasks");
    private static final List<Step> STEPS = List.of(Step.REASSIGN, Step.OVERDUE, Step.COMPLETE, Step.CANCEL);

    @BeforeContainer
    static void context() {
        IntakeRedelivery.start();
    }

    @AfterContainer
    static void figures() {
        IntakeRedelivery.finish();
        System.out.println(PROPERTY.figures());
    }

    /**
     * @param tasks per task, the steps after its creation: 0 reassign, 1 overdue, 2 complete, 3 cancel (the steps
     *     after the task ended are left out)
     */
    @Property(tries = 30, seed = "20261122")
    void redeliveredAndInterleavedEndsLikeOnceInOrder(
            @ForAll @Size(min = 1, max = 4) List<@Size(max = 6) List<@IntRange(min = 0, max = 3) Integer>> tasks,
            @ForAll long shuffleSeed) {
        String tenant = "prop-" + UUID.randomUUID();
        IntakeRedelivery.team(tenant);
        IntakeRedelivery.webhook(tenant, "TaskCreated", "TaskCompleted");
        List<CrmEvent> history =
                TaskStepHistories.tasks(tenant, START, RedeliveryProperty.steps(tasks, STEPS), PEOPLE, t -> null);
        var redelivered = Redelivery.redeliveredAndInterleaved(history, CrmEvent::aggregateId, new Random(shuffleSeed));

        String onceInOrder = PROPERTY.assertSameState(
                history,
                redelivered,
                events ->
                        IntakeRedelivery.deliver(tenant, IntakeRedelivery.SETUP_AND_TEAM, events, EventIntake::tasks));
        assertThat(onceInOrder).contains("task_copies").contains("WEBHOOK");
    }
}
