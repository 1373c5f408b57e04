package org.opencrm.analytics.query;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.opencrm.platform.web.FieldViolation;
import org.opencrm.platform.web.InvalidRequestException;

/**
 * The query parameters every report accepts, as the client sent them. Parsed here rather than by Spring's
 * type conversion so every bad value is named in one 400 answer.
 *
 * @param from first day of the period ({@code yyyy-MM-dd}); default: 29 days before {@code to}
 * @param to last day of the period, included; default: today in the time zone
 * @param timeZone IANA zone or offset the days are counted in; default UTC
 * @param granularity {@code day}, {@code week} (ISO) or {@code month}; default: the whole period is one row
 * @param departmentId only figures of this department
 * @param pipelineId only deals of this pipeline (funnel, deals, sources, pipeline as of)
 * @param ownerId only this rep's figures (ignored for callers who see only their own)
 * @param date the day of {@code pipeline-as-of}
 */
record ReportParameters(
        String from,
        String to,
        String timeZone,
        String granularity,
        String departmentId,
        String pipelineId,
        String ownerId,
        String date) {

    private static final int MAX_ID_LENGTH = 200;

    QueryWindow window(Clock clock, int maxPeriodDays) {
        List<FieldViolation> errors = new ArrayList<>();
        ZoneId zone = zone(errors);
        LocalDate today = LocalDate.now(clock.withZone(zone));
        LocalDate end = date("to", to, errors, today);
        LocalDate start = date("from", from, errors, end.minusDays(29));
        Granularity split = null;
        if (granularity != null && !granularity.isBlank()) {
            split = Granularity.parse(granularity).orElse(null);
            if (split == null) {
                errors.add(new FieldViolation("granularity", "must be day, week or month"));
            }
        }
        if (errors.isEmpty() && start.isAfter(end)) {
            errors.add(new FieldViolation("from", "must not be after to"));
        }
        if (errors.isEmpty() && ChronoUnit.DAYS.between(start, end) + 1 > maxPeriodDays) {
            errors.add(new FieldViolation("from", "the period must not exceed " + maxPeriodDays + " days"));
        }
        errors.addAll(idViolations());
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return new QueryWindow(start, end, zone, split);
    }

    /** The day and zone of a pipeline-as-of request. */
    AsOf asOf() {
        List<FieldViolation> errors = new ArrayList<>();
        ZoneId zone = zone(errors);
        LocalDate day = null;
        if (date == null || date.isBlank()) {
            errors.add(new FieldViolation("date", "is required"));
        } else {
            day = date("date", date, errors, null);
        }
        errors.addAll(idViolations());
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return new AsOf(day, zone);
    }

    Filters filters() {
        return new Filters(blankToNull(departmentId), blankToNull(pipelineId), blankToNull(ownerId));
    }

    record AsOf(LocalDate date, ZoneId zone) {}

    private ZoneId zone(List<FieldViolation> errors) {
        if (timeZone == null || timeZone.isBlank()) {
            return ZoneId.of("UTC");
        }
        try {
            return ZoneId.of(timeZone.trim());
        } catch (DateTimeException e) {
            errors.add(new FieldViolation("timeZone", "is not a known time zone"));
            return ZoneId.of("UTC");
        }
    }

    private static LocalDate date(String field, String value, List<FieldViolation> errors, LocalDate fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            errors.add(new FieldViolation(field, "must be a date like 2026-03-29"));
            return fallback == null ? LocalDate.EPOCH : fallback;
        }
    }

    private List<FieldViolation> idViolations() {
        List<FieldViolation> errors = new ArrayList<>();
        checkId("departmentId", departmentId, errors);
        checkId("pipelineId", pipelineId, errors);
        checkId("ownerId", ownerId, errors);
        return errors;
    }

    private static void checkId(String field, String value, List<FieldViolation> errors) {
        if (value != null && value.length() > MAX_ID_LENGTH) {
            errors.add(new FieldViolation(field, "must be at most " + MAX_ID_LENGTH + " characters"));
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
