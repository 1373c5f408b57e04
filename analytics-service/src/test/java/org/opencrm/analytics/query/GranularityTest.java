package org.opencrm.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Row labels as MongoDB's {@code $dateToString} writes them ({@code %Y-%m-%d}, {@code %G-W%V}, {@code %Y-%m}). */
class GranularityTest {

    @Test
    void weeksAreIsoWeeksOfTheWeekBasedYear() {
        assertThat(Granularity.WEEK.label(LocalDate.of(2024, 12, 30))).isEqualTo("2025-W01");
        assertThat(Granularity.WEEK.label(LocalDate.of(2027, 1, 1))).isEqualTo("2026-W53");
        assertThat(Granularity.WEEK.label(LocalDate.of(2026, 3, 2))).isEqualTo("2026-W10");
        assertThat(Granularity.MONTH.label(LocalDate.of(2026, 3, 29))).isEqualTo("2026-03");
        assertThat(Granularity.DAY.label(LocalDate.of(2026, 3, 29))).isEqualTo("2026-03-29");
        assertThat(Granularity.MONTH.label(LocalDate.of(987, 11, 5))).isEqualTo("0987-11");
    }

    @Test
    void everyDayOfTwoCenturiesIsLabelledAsZeroPaddedFormatting() {
        for (LocalDate day = LocalDate.of(1950, 1, 1); day.getYear() < 2150; day = day.plusDays(1)) {
            assertThat(Granularity.WEEK.label(day))
                    .isEqualTo(String.format(
                            Locale.ROOT,
                            "%04d-W%02d",
                            day.get(IsoFields.WEEK_BASED_YEAR),
                            day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)));
            assertThat(Granularity.MONTH.label(day))
                    .isEqualTo(String.format(Locale.ROOT, "%04d-%02d", day.getYear(), day.getMonthValue()));
        }
    }
}
