package org.opencrm.tasks.sla;

import java.time.Clock;
import java.time.Instant;
import org.opencrm.events.tasks.ReassignmentReason;
import org.opencrm.tasks.task.TaskStatus;
import org.opencrm.tasks.task.Tasks;
import org.opencrm.tasks.team.Team;
import org.opencrm.tasks.team.TeamChanged;
import org.opencrm.tasks.team.Teams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Open tasks of a member who is absent (or taken out of the team's rotation) go to the least-loaded
 * available member of the same team: at once when the roster says so, and on a slow sweep for absences
 * that start on a later date.
 */
@Component
class AbsenceReassignment {

    private static final Logger log = LoggerFactory.getLogger(AbsenceReassignment.class);

    private final Teams teams;
    private final Tasks tasks;
    private final Clock clock;

    AbsenceReassignment(Teams teams, Tasks tasks, Clock clock) {
        this.teams = teams;
        this.tasks = tasks;
        this.clock = clock;
    }

    @EventListener
    void onTeamChanged(TeamChanged changed) {
        teams.find(changed.tenantId(), changed.teamId()).ifPresent(this::reassignFrom);
    }

    @Scheduled(
            fixedDelayString = "${crm.tasks.sla.absence-sweep-interval:PT5M}",
            initialDelayString = "${crm.tasks.sla.absence-sweep-interval:PT5M}")
    void sweep() {
        teams.all().forEach(this::reassignFrom);
    }

    void reassignFrom(Team team) {
        Instant now = clock.instant();
        var today = team.today(now);
        for (Team.Member member : team.members()) {
            if (member.availableOn(today)) {
                continue;
            }
            var open = tasks.repository()
                    .findByTenantIdAndAssigneeIdAndDepartmentIdAndStatus(
                            team.getTenantId(), member.userId(), team.getId(), TaskStatus.OPEN);
            for (var task : open) {
                var to = teams.leastLoaded(
                        team, member.userId(), now, user -> tasks.openTasksOf(team.getTenantId(), user));
                if (to.isEmpty()) {
                    return;
                }
                try {
                    task.reassign(to.get(), ReassignmentReason.ASSIGNEE_ABSENT, Escalations.SYSTEM, now);
                    tasks.save(task);
                } catch (OptimisticLockingFailureException anotherWriter) {
                    log.debug("task {} changed while reassigning it from an absent member", task.getId());
                }
            }
        }
    }
}
