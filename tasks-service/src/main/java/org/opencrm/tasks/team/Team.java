package org.opencrm.tasks.team;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.opencrm.events.Actor;
import org.opencrm.events.teams.TeamMember;
import org.opencrm.events.teams.TeamUpdated;
import org.opencrm.platform.outbox.AggregateRoot;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A department's roster: who works in it, who heads it, when it works, and how long an overdue task waits
 * before it is handed to someone else. Its id is the department id, so deals and notifications find the
 * team of a record without a lookup. Every change publishes the whole team ({@code TeamUpdated}).
 */
@Document(Team.COLLECTION)
public class Team extends AggregateRoot {

    public static final String COLLECTION = "teams";

    private String name;
    private boolean active;
    private List<String> headUserIds;
    private List<Member> members;
    private String timeZone;
    private Map<DayOfWeek, Hours> workingHours;
    private Set<LocalDate> holidays;
    private Duration reassignmentDelay;

    Team() {}

    private Team(String id, String tenantId) {
        super(id, tenantId);
    }

    /** A member as the team stores it. */
    public record Member(
            String userId,
            String name,
            String email,
            String phone,
            List<String> roles,
            String timeZone,
            String language,
            boolean active,
            LocalDate absentUntil) {

        /** Active and not away on this date: may receive tasks and leads. */
        public boolean availableOn(LocalDate date) {
            return active && (absentUntil == null || absentUntil.isBefore(date));
        }

        public boolean hasRole(String role) {
            return roles.stream().anyMatch(r -> r.equalsIgnoreCase(role));
        }
    }

    /** Working hours of one weekday, in the team's time zone. */
    public record Hours(LocalTime start, LocalTime end) {}

    /** The complete state of a team, as an administrator sets it. */
    public record Roster(
            String name,
            boolean active,
            List<String> headUserIds,
            List<Member> members,
            String timeZone,
            Map<DayOfWeek, Hours> workingHours,
            Set<LocalDate> holidays,
            Duration reassignmentDelay) {}

    static Team create(String departmentId, String tenantId, Roster roster, Actor by, Instant now) {
        var team = new Team(departmentId, tenantId);
        team.replace(roster, by, now);
        return team;
    }

    void replace(Roster roster, Actor by, Instant now) {
        name = roster.name();
        active = roster.active();
        headUserIds = List.copyOf(roster.headUserIds());
        members = List.copyOf(roster.members());
        timeZone = roster.timeZone();
        workingHours = Map.copyOf(roster.workingHours());
        holidays = Set.copyOf(roster.holidays());
        reassignmentDelay = roster.reassignmentDelay();
        var e = nextEvent(by, now);
        record(new TeamUpdated(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                name,
                active,
                headUserIds,
                members.stream()
                        .map(m -> new TeamMember(
                                m.userId(),
                                m.name(),
                                m.email(),
                                m.phone(),
                                m.roles(),
                                m.timeZone(),
                                m.language(),
                                m.active(),
                                m.absentUntil()))
                        .toList()));
    }

    public Optional<Member> member(String userId) {
        return members.stream().filter(m -> m.userId().equals(userId)).findFirst();
    }

    /** Today in the team's time zone: absence dates are calendar dates where the team works. */
    public LocalDate today(Instant now) {
        return now.atZone(zone()).toLocalDate();
    }

    public ZoneId zone() {
        return timeZone == null ? ZoneId.of("UTC") : ZoneId.of(timeZone);
    }

    public String name() {
        return name;
    }

    public boolean active() {
        return active;
    }

    public List<String> headUserIds() {
        return headUserIds;
    }

    public List<Member> members() {
        return members;
    }

    public String timeZone() {
        return timeZone;
    }

    public Map<DayOfWeek, Hours> workingHours() {
        return workingHours == null ? Map.of() : workingHours;
    }

    public Set<LocalDate> holidays() {
        return holidays == null ? Set.of() : holidays;
    }

    public Optional<Duration> reassignmentDelay() {
        return Optional.ofNullable(reassignmentDelay);
    }
}
