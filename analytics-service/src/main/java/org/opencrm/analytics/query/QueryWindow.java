package org.opencrm.analytics.query;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import org.bson.Document;

/**
 * The period a query covers: whole days from {@code from} to {@code to} (both included) in the caller's time
 * zone, optionally split by a granularity. Without one, the whole period is one row labelled
 * {@code from/to}.
 */
record QueryWindow(LocalDate from, LocalDate to, ZoneId zone, Granularity granularity) {

    Instant start() {
        return from.atStartOfDay(zone).toInstant();
    }

    /** The first instant after the period. */
    Instant end() {
        return to.plusDays(1).atStartOfDay(zone).toInstant();
    }

    Date startDate() {
        return Date.from(start());
    }

    Date endDate() {
        return Date.from(end());
    }

    String wholeLabel() {
        return from + "/" + to;
    }

    /** MongoDB's name for the zone: it knows region ids and offsets, not {@code Z}. */
    String mongoZone() {
        return zone instanceof ZoneOffset offset && offset.getTotalSeconds() == 0 ? "UTC" : zone.getId();
    }

    /** An aggregation expression giving the row label of the date in {@code field}. */
    Document bucket(String field) {
        if (granularity == null) {
            return new Document("$literal", wholeLabel());
        }
        return new Document(
                "$dateToString",
                new Document("format", granularity.mongoFormat())
                        .append("date", "$" + field)
                        .append("timezone", mongoZone()));
    }

    /** The same label computed in Java, for figures assembled outside the database. */
    String label(Instant instant) {
        return granularity == null
                ? wholeLabel()
                : granularity.label(instant.atZone(zone).toLocalDate());
    }

    /**
     * {@link #label} remembered per instant, for one report's loop over rollup entries: the entries of a period share a
     * few thousand hours, and converting each entry's hour to the caller's zone and formatting it was a fifth to a
     * third of the deals, sources and appeals reports' time at 1,000,000 deals (JFR, bench B3).
     */
    Labels labels() {
        return new Labels(this);
    }

    /** The labels of one report's instants; not shared between requests or threads. */
    static final class Labels {
        private final QueryWindow window;
        private final Map<Long, String> byEpochSecond = new HashMap<>();

        private Labels(QueryWindow window) {
            this.window = window;
        }

        String of(Instant instant) {
            return byEpochSecond.computeIfAbsent(instant.getEpochSecond(), second -> window.label(instant));
        }

        /**
         * The row of a rollup entry: {@code documentRow} when its whole document lies in one row, else the row of
         * the entry's hour, or null when that hour is outside the period.
         */
        String of(String documentRow, RollupEntry entry) {
            if (documentRow != null) {
                return documentRow;
            }
            Instant hour = entry.hour();
            return hour.isBefore(window.start()) || !hour.isBefore(window.end()) ? null : of(hour);
        }
    }

    /**
     * Whether every day of the period starts on a whole UTC hour in the zone: then figures kept per UTC hour
     * regroup exactly into the zone's days, weeks and months (true for every zone but a few with offsets like
     * +05:30 or +05:45).
     */
    boolean daysStartOnWholeHours() {
        for (LocalDate day = from; !day.isAfter(to.plusDays(1)); day = day.plusDays(1)) {
            if (day.atStartOfDay(zone).toEpochSecond() % 3600 != 0) {
                return false;
            }
        }
        return true;
    }

    String granularityName() {
        return granularity == null ? null : granularity.parameterValue();
    }
}
