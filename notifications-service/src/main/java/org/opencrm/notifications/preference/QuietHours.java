package org.opencrm.notifications.preference;

import jakarta.validation.constraints.NotNull;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * A daily window in the recipient's time zone in which non-urgent e-mail and SMS wait; it may span
 * midnight (22:00-07:00).
 */
public record QuietHours(@NotNull LocalTime start, @NotNull LocalTime end) {

    /** When a non-urgent message may go out: {@code now} outside the window, its end inside it. */
    public Instant nextAllowed(Instant now, ZoneId zone) {
        ZonedDateTime local = now.atZone(zone);
        LocalTime time = local.toLocalTime();
        boolean wraps = start.isAfter(end);
        boolean inside =
                wraps ? !time.isBefore(start) || time.isBefore(end) : !time.isBefore(start) && time.isBefore(end);
        if (!inside || start.equals(end)) {
            return now;
        }
        ZonedDateTime endToday = local.with(end);
        return (endToday.isAfter(local) ? endToday : endToday.plusDays(1)).toInstant();
    }
}
