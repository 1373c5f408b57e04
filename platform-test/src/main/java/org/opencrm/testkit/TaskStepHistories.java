package org.opencrm.testkit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.tasks.ReassignmentReason;
import org.opencrm.events.tasks.TaskCancelled;
import org.opencrm.events.tasks.TaskCompleted;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.events.tasks.TaskOverdue;
import org.opencrm.events.tasks.TaskReassigned;

/**
 * Task histories for the consumers' redelivery properties (issue #12 item 4): CALL tasks of department {@code d1},
 * each created and then taken through generated steps, as tasks-service would publish them (versions 1, 2, ...).
 */
public final class TaskStepHistories {

    /** A step after a task's creation; the steps after the task was completed or cancelled are left out. */
    public enum Step {
        /** by hand, to the next person */
        REASSIGN,
        /** by the SLA scanner, to the next person */
        ESCALATE,
        OVERDUE,
        COMPLETE,
        CANCEL
    }

    private TaskStepHistories() {}

    /**
     * The events of the tasks, task after task: task {@code t} ({@code task-<t>-<tenant>}) is created at
     * {@code start} plus {@code t} minutes for {@code people[t % size]}, due two hours later, about
     * {@code deal.apply(t)} (null for none); each step comes 45 minutes after the one before, and a reassignment
     * goes to the next person of {@code people}.
     */
    public static List<CrmEvent> tasks(
            String tenant, Instant start, List<List<Step>> tasks, List<String> people, IntFunction<String> deal) {
        List<CrmEvent> events = new ArrayList<>();
        var actor = Actor.system("tasks-service");
        for (int t = 0; t < tasks.size(); t++) {
            String task = "task-" + t + "-" + tenant;
            String dealId = deal.apply(t);
            String title = "Call " + t;
            String assignee = people.get(t % people.size());
            long version = 1;
            Instant at = start.plus(t, ChronoUnit.MINUTES);
            Instant due = at.plus(2, ChronoUnit.HOURS);
            events.add(new TaskCreated(
                    id(), tenant, task, version, at, actor, title, "CALL", assignee, "d1", due, "NORMAL", dealId, null,
                    null, null));
            for (Step step : tasks.get(t)) {
                version++;
                at = at.plus(45, ChronoUnit.MINUTES);
                switch (step) {
                    case REASSIGN, ESCALATE -> {
                        String next = people.get((people.indexOf(assignee) + 1) % people.size());
                        var reason = step == Step.REASSIGN
                                ? ReassignmentReason.MANUAL
                                : ReassignmentReason.OVERDUE_ESCALATION;
                        events.add(new TaskReassigned(
                                id(), tenant, task, version, at, actor, assignee, next, "d1", reason, title, due,
                                dealId, null));
                        assignee = next;
                    }
                    case OVERDUE ->
                        events.add(new TaskOverdue(
                                id(), tenant, task, version, at, actor, title, assignee, "d1", due, "NORMAL", dealId,
                                null));
                    case COMPLETE ->
                        events.add(new TaskCompleted(
                                id(), tenant, task, version, at, actor, "CALL", assignee, "d1", due, "DONE", dealId,
                                null, null, false));
                    case CANCEL ->
                        events.add(new TaskCancelled(
                                id(), tenant, task, version, at, actor, "MANUAL", assignee, "d1", dealId, null));
                }
                if (step == Step.COMPLETE || step == Step.CANCEL) {
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
