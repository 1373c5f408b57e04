package org.opencrm.tasks.sla;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.opencrm.events.Actor;
import org.opencrm.events.tasks.ReassignmentReason;
import org.opencrm.tasks.TasksProperties;
import org.opencrm.tasks.task.Tasks;
import org.opencrm.tasks.team.Team;
import org.opencrm.tasks.team.Teams;
import org.springframework.stereotype.Component;

/**
 * What happens when a task's entry in the due index fires. Each step is a load-change-save of the task
 * with its optimistic lock: when two instances handle the same entry, one save wins and the other fails
 * its version check, reloads, and finds the step done. That is what makes every reminder, overdue report
 * and escalation happen once.
 */
@Component
class Escalations {

    static final Actor SYSTEM = Actor.system("tasks-service/sla");

    /**
     * An entry younger than this whose task is missing, or does not have the entry's due time yet, may belong to a
     * save still under way.
     */
    private static final Duration ORPHAN_AGE = Duration.ofMinutes(1);

    private final Tasks tasks;
    private final Teams teams;
    private final DueIndex dueIndex;
    private final Clock clock;
    private final Duration defaultDelay;
    private final Counter overdue;
    private final Counter escalated;

    Escalations(
            Tasks tasks,
            Teams teams,
            DueIndex dueIndex,
            Clock clock,
            TasksProperties properties,
            MeterRegistry meters) {
        // Counted after the save: of two instances firing one entry, only the one whose save wins counts.
        this.overdue = Counter.builder("crm.tasks.overdue")
                .description("Tasks the SLA scan marked overdue")
                .register(meters);
        this.escalated = Counter.builder("crm.tasks.escalations")
                .description("Overdue tasks reassigned to a teammate by escalation")
                .register(meters);
        this.tasks = tasks;
        this.teams = teams;
        this.dueIndex = dueIndex;
        this.clock = clock;
        this.defaultDelay = properties.sla().defaultReassignmentDelay();
    }

    /** @return true when the entry is handled or obsolete */
    boolean fire(Timer timer) {
        var task = tasks.find(timer.tenantId(), timer.subject()).orElse(null);
        Instant now = clock.instant();
        if (task == null) {
            return timer.createdAt().plus(ORPHAN_AGE).isBefore(now);
        }
        if (!Objects.equals(task.dueAt(), timer.dueAt())
                && !timer.createdAt().plus(ORPHAN_AGE).isBefore(now)) {
            // Entries are written before their task is saved, and a due time moved into the next minutes fires at
            // once: a young entry for a due time the task does not have yet may belong to a save still under way.
            // Dropped now, that reminder (or overdue mark) would never come; it waits for the next scan instead.
            return false;
        }
        switch (timer.kind()) {
            case DUE_SOON -> {
                if (task.remindDueSoon(timer.dueAt(), SYSTEM, now)) {
                    tasks.save(task);
                }
            }
            case OVERDUE -> {
                if (task.markOverdue(timer.dueAt(), SYSTEM, now)) {
                    teams.find(task.getTenantId(), task.departmentId())
                            .filter(Team::active)
                            .ifPresent(team -> dueIndex.escalateLater(
                                    task, now.plus(team.reassignmentDelay().orElse(defaultDelay))));
                    tasks.save(task);
                    overdue.increment();
                }
            }
            case REASSIGN -> {
                if (task.awaitsEscalation(timer.dueAt())) {
                    teams.find(task.getTenantId(), task.departmentId())
                            .flatMap(team -> teams.leastLoaded(
                                    team, task.assigneeId(), now, user -> tasks.openTasksOf(task.getTenantId(), user)))
                            .ifPresent(to -> {
                                task.reassign(to, ReassignmentReason.OVERDUE_ESCALATION, SYSTEM, now);
                                tasks.save(task);
                                escalated.increment();
                            });
                }
            }
            case NEXT_STEP -> throw new IllegalArgumentException("not a task entry: " + timer.id());
        }
        return true;
    }
}
