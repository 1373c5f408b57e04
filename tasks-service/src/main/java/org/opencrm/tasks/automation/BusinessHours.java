package org.opencrm.tasks.automation;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import org.opencrm.tasks.team.Team;

/** Adds a duration counted only in a team's working hours, skipping its days off and holidays. */
final class BusinessHours {

    /** A team that works no day at all would loop forever; give up after this many days. */
    private static final int MAX_DAYS = 3660;

    private BusinessHours() {}

    static Instant add(Instant start, Duration duration, Team team) {
        if (team.workingHours().isEmpty()) {
            return start.plus(duration);
        }
        Duration remaining = duration;
        ZonedDateTime cursor = start.atZone(team.zone());
        for (int day = 0; day < MAX_DAYS; day++) {
            LocalDate date = cursor.toLocalDate();
            var hours = team.workingHours().get(date.getDayOfWeek());
            if (hours != null && !team.holidays().contains(date)) {
                ZonedDateTime open = date.atTime(hours.start()).atZone(team.zone());
                ZonedDateTime close = date.atTime(hours.end()).atZone(team.zone());
                ZonedDateTime from = cursor.isAfter(open) ? cursor : open;
                if (from.isBefore(close)) {
                    Duration available = Duration.between(from, close);
                    if (remaining.compareTo(available) <= 0) {
                        return from.plus(remaining).toInstant();
                    }
                    remaining = remaining.minus(available);
                }
            }
            cursor = date.plusDays(1).atStartOfDay(team.zone());
        }
        return start.plus(duration);
    }
}
