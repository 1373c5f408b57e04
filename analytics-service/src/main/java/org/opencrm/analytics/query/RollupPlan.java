package org.opencrm.analytics.query;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.opencrm.analytics.projection.DealRollups;

/**
 * What a report of rollups reads for its period (zones whose days start on whole UTC hours): whole UTC months'
 * inner days ({@link DealRollups#isInnerDay}) with their row's label, UTC days wholly inside the period and one row
 * with that row's label, and the other days, which a row boundary or the period's edge cuts, per hour.
 *
 * <p>A UTC month whose inner days all lie in the period and in one row (the caller's month, or the whole period) is
 * read from its month documents: the inner days of a UTC month are inside the same month of every zone (offsets are
 * under a day), so a year by month in any zone reads about 12 month and 24 day documents per kind instead of 365.
 * In UTC every day of the period is whole; in Europe/Berlin by week one day a week is cut (Sunday, at 22:00 or 23:00
 * UTC), by day every day. The checks are made here, not assumed.
 *
 * @param months the months read from their month documents, with their row's label
 * @param days the other days wholly inside the period and one row, with its label
 * @param hours the days read per hour
 */
record RollupPlan(Map<YearMonth, String> months, Map<LocalDate, String> days, List<LocalDate> hours) {

    static RollupPlan of(QueryWindow window) {
        Instant start = window.start();
        Instant end = window.end();
        Map<YearMonth, String> months = new LinkedHashMap<>();
        for (YearMonth month = YearMonth.from(LocalDate.ofInstant(start, ZoneOffset.UTC));
                month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(end);
                month = month.plusMonths(1)) {
            Instant innerStart = month.atDay(2).atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant innerEnd = month.atEndOfMonth().atStartOfDay(ZoneOffset.UTC).toInstant();
            // the only rows that may hold a month's inner days are the caller's month (those days lie inside one
            // month of every zone) and the whole period, so the first and last hour decide
            if (inPeriod(window, innerStart, innerEnd)
                    && window.label(innerStart).equals(window.label(innerEnd.minus(1, ChronoUnit.HOURS)))) {
                months.put(month, window.label(innerStart));
            }
        }
        Map<LocalDate, String> days = new LinkedHashMap<>();
        List<LocalDate> hours = new ArrayList<>();
        for (LocalDate day = LocalDate.ofInstant(start, ZoneOffset.UTC);
                day.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(end);
                day = day.plusDays(1)) {
            if (DealRollups.isInnerDay(day) && months.containsKey(YearMonth.from(day))) {
                continue;
            }
            Instant dayStart = day.atStartOfDay(ZoneOffset.UTC).toInstant();
            String label = oneRow(window, dayStart, dayStart.plus(1, ChronoUnit.DAYS));
            if (label != null) {
                days.put(day, label);
            } else {
                hours.add(day);
            }
        }
        return new RollupPlan(months, days, hours);
    }

    /** Every UTC day of the period outside the months read whole, whether read whole or per hour, in order. */
    List<LocalDate> daysOutsideMonths() {
        var all = new TreeSet<>(days.keySet());
        all.addAll(hours);
        return new ArrayList<>(all);
    }

    /**
     * The ids of one kind's documents to read, each with the row all its entries belong to, or null for a document
     * per hour whose entries are placed by their hour.
     *
     * @param wholeDay a day's document without hours, or null where the kind has none (every day then per hour)
     */
    Map<String, String> documents(
            Function<YearMonth, String> month,
            Function<LocalDate, String> wholeDay,
            Function<LocalDate, String> hourly) {
        Map<String, String> ids = new LinkedHashMap<>();
        months.forEach((m, label) -> ids.put(month.apply(m), label));
        for (LocalDate day : daysOutsideMonths()) {
            String label = wholeDay == null ? null : days.get(day);
            if (label != null) {
                ids.put(wholeDay.apply(day), label);
            } else {
                ids.put(hourly.apply(day), null);
            }
        }
        return ids;
    }

    /** The label of the one row all hours of a UTC day lie in, or null when the period's edge or a row boundary cuts it. */
    static String wholeDay(QueryWindow window, LocalDate day) {
        Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        return oneRow(window, start, start.plus(1, ChronoUnit.DAYS));
    }

    /**
     * The label of the one row all hours of a UTC day {@code [from, to)} lie in, or null when the period's edge or a
     * row boundary cuts it.
     */
    private static String oneRow(QueryWindow window, Instant from, Instant to) {
        if (!inPeriod(window, from, to)) {
            return null;
        }
        String label = window.label(from);
        // labels only grow with time, so without an offset change in between the first and last hour decide
        var change = window.zone().getRules().nextTransition(from);
        boolean shifts = change != null && change.getInstant().isBefore(to);
        for (Instant hour = shifts ? from.plus(1, ChronoUnit.HOURS) : to.minus(1, ChronoUnit.HOURS);
                hour.isBefore(to);
                hour = hour.plus(1, ChronoUnit.HOURS)) {
            if (!window.label(hour).equals(label)) {
                return null;
            }
        }
        return label;
    }

    private static boolean inPeriod(QueryWindow window, Instant from, Instant to) {
        return !from.isBefore(window.start()) && !to.isAfter(window.end());
    }
}
