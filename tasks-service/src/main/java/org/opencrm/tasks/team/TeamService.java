package org.opencrm.tasks.team;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import org.opencrm.events.Actor;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.security.Role;
import org.opencrm.platform.web.ConflictException;
import org.opencrm.platform.web.ETags;
import org.opencrm.platform.web.FieldViolation;
import org.opencrm.platform.web.InvalidRequestException;
import org.opencrm.platform.web.NotFoundException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;

@Service
class TeamService {

    private final TeamRepository teams;
    private final Clock clock;
    private final ApplicationEventPublisher publisher;

    TeamService(TeamRepository teams, Clock clock, ApplicationEventPublisher publisher) {
        this.teams = teams;
        this.clock = clock;
        this.publisher = publisher;
    }

    Team put(CurrentUser user, String departmentId, TeamRequest request, String ifMatch) {
        // The head of a department manages its roster; administrators manage every roster.
        if (!user.hasRole(Role.ADMIN) && !(user.hasRole(Role.HEAD) && user.isIn(departmentId))) {
            throw new AccessDeniedException("only an administrator or the department's head edits a team");
        }
        var roster = toRoster(request);
        var existing = teams.findById(departmentId);
        if (existing.isPresent() && !existing.get().getTenantId().equals(user.tenantId())) {
            // Team ids are department ids, which the identity provider makes unique across tenants.
            throw new ConflictException("This department id is taken.");
        }
        Team team;
        if (existing.isPresent()) {
            team = existing.get();
            ETags.checkIfMatch(ifMatch, team.getVersion());
            team.replace(roster, Actor.user(user.userId()), clock.instant());
        } else {
            team = Team.create(departmentId, user.tenantId(), roster, Actor.user(user.userId()), clock.instant());
        }
        var saved = teams.save(team);
        publisher.publishEvent(new TeamChanged(saved.getTenantId(), saved.getId()));
        return saved;
    }

    Team get(CurrentUser user, String id) {
        return teams.findById(id)
                .filter(t -> t.getTenantId().equals(user.tenantId()))
                .orElseThrow(() -> NotFoundException.of("team", id));
    }

    List<Team> list(CurrentUser user) {
        return teams.findByTenantIdOrderByName(user.tenantId());
    }

    private static Team.Roster toRoster(TeamRequest request) {
        var errors = new ArrayList<FieldViolation>();
        checkZone(request.timeZone(), "timeZone", errors);
        var members = new ArrayList<Team.Member>();
        var seen = new HashSet<String>();
        for (int i = 0; i < request.members().size(); i++) {
            var m = request.members().get(i);
            if (!seen.add(m.userId())) {
                errors.add(new FieldViolation("members[" + i + "].userId", "appears twice"));
            }
            checkZone(m.timeZone(), "members[" + i + "].timeZone", errors);
            members.add(new Team.Member(
                    m.userId(),
                    m.name(),
                    m.email(),
                    m.phone(),
                    m.roles().stream().map(String::toUpperCase).toList(),
                    m.timeZone(),
                    m.language(),
                    m.active() == null || m.active(),
                    m.absentUntil()));
        }
        var hours = new HashMap<java.time.DayOfWeek, Team.Hours>();
        if (request.workingHours() != null) {
            request.workingHours().forEach((day, h) -> {
                if (!h.start().isBefore(h.end())) {
                    errors.add(new FieldViolation("workingHours." + day, "start must be before end"));
                }
                hours.put(day, new Team.Hours(h.start(), h.end()));
            });
        }
        Duration delay = null;
        if (request.reassignmentDelay() != null) {
            try {
                delay = Duration.parse(request.reassignmentDelay());
                if (delay.isNegative() || delay.isZero()) {
                    errors.add(new FieldViolation("reassignmentDelay", "must be positive"));
                }
            } catch (DateTimeException e) {
                errors.add(new FieldViolation("reassignmentDelay", "must be an ISO-8601 duration such as PT30M"));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return new Team.Roster(
                request.name(),
                request.active() == null || request.active(),
                request.headUserIds(),
                members,
                request.timeZone(),
                hours,
                request.holidays() == null ? java.util.Set.of() : request.holidays(),
                delay);
    }

    private static void checkZone(String zone, String field, List<FieldViolation> errors) {
        if (zone == null) {
            return;
        }
        try {
            ZoneId.of(zone);
        } catch (DateTimeException e) {
            errors.add(new FieldViolation(field, "is not an IANA time zone"));
        }
    }
}
