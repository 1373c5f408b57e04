package org.opencrm.analytics.query;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.IsoFields;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How a period is split into rows. Labels are the same whether MongoDB ({@code $dateToString}) or Java
 * computes them: {@code 2026-03-29}, ISO week {@code 2026-W13}, {@code 2026-03}.
 */
enum Granularity {
    DAY("%Y-%m-%d"),
    WEEK("%G-W%V"),
    MONTH("%Y-%m");

    private final String mongoFormat;

    Granularity(String mongoFormat) {
        this.mongoFormat = mongoFormat;
    }

    String mongoFormat() {
        return mongoFormat;
    }

    String label(LocalDate date) {
        return switch (this) {
            case DAY -> date.format(DateTimeFormatter.ISO_LOCAL_DATE);
            case WEEK ->
                String.format(
                        Locale.ROOT,
                        "%04d-W%02d",
                        date.get(IsoFields.WEEK_BASED_YEAR),
                        date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case MONTH -> String.format(Locale.ROOT, "%04d-%02d", date.getYear(), date.getMonthValue());
        };
    }

    String parameterValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Granularity> parse(String value) {
        return Arrays.stream(values())
                .filter(g -> g.name().equalsIgnoreCase(value.trim()))
                .findFirst();
    }
}
