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
                padded(date.get(IsoFields.WEEK_BASED_YEAR), 4) + "-W"
                        + padded(date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), 2);
            case MONTH -> padded(date.getYear(), 4) + "-" + padded(date.getMonthValue(), 2);
        };
    }

    /** {@code String.format("%0<width>d")} for years 0-9999 without a Formatter (reports label every entry). */
    private static String padded(int value, int width) {
        String digits = Integer.toString(value);
        return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
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
