package org.opencrm.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencrm.analytics.query.ReportCases.scope;
import static org.opencrm.analytics.query.ReportCases.window;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.opencrm.analytics.DealHistories;
import org.opencrm.analytics.RollupExactness;
import org.opencrm.analytics.projection.FactWriter;
import org.opencrm.analytics.projection.ProjectionIndexes;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Money;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.events.deals.DealLost;
import org.opencrm.events.deals.DealWon;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The deals and appeals reports' rollups against the facts they are kept from: random deal histories in which deals move
 * between owners, departments and stages, change amounts, close, reopen and close again, delivered every event
 * twice, in any order (a newer revision before an older one, as when a rebuild's replay races the live
 * listener) and by two writers at once, give from the rollups exactly the report that aggregating the facts
 * of one ordered pass gives, for every scope, filter, time zone and granularity.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseTestInfrastructure
class DealRollupsExactnessTest {

    @Autowired
    FactWriter writer;

    @Autowired
    ProjectionIndexes indexes;

    @Autowired
    DealsQuery deals;

    @Autowired
    AppealsQuery appeals;

    @Test
    void rollupsGiveTheFactsFiguresWhateverTheDeliveryOrderDuplicatesAndRacingWriters() {
        String tenant = "tenant-" + UUID.randomUUID();
        var random = new Random(8);
        List<CrmEvent> events = new ArrayList<>(DealHistories.random(tenant, 60, random));
        events.addAll(closedWithoutADepartment(tenant));
        var exactness = RollupExactness.deliveredTwiceByRacingWriters(writer, indexes, events, 1, 2);

        List<AnalyticsScope> scopes = new ArrayList<>(ReportCases.scopes(tenant));
        scopes.add(ReportCases.headOfD2(tenant));
        // a head of two departments; a head of d1 asking for d2 (only their own deals there); a manager unfiltered
        scopes.add(scope(tenant, AnalyticsScope.Kind.DEPARTMENTS, "m3", Set.of("d1", "d2"), ReportCases.EVERYTHING));
        scopes.add(scope(tenant, AnalyticsScope.Kind.DEPARTMENTS, "m4", Set.of("d1"), new Filters("d2", null, null)));
        scopes.add(scope(tenant, AnalyticsScope.Kind.OWN, "m3", Set.of("d2"), ReportCases.EVERYTHING));
        List<QueryWindow> windows = List.of(
                window("2026-03-01", "2026-04-30", "UTC", null),
                window("2026-03-01", "2026-04-30", "UTC", Granularity.DAY),
                window("2026-03-02", "2026-04-12", "Europe/Berlin", Granularity.WEEK),
                window("2026-02-20", "2026-04-30", "America/New_York", Granularity.MONTH),
                window("2026-03-10", "2026-03-10", "Pacific/Auckland", Granularity.DAY));
        // every path of the plan: days cut by every row boundary (Berlin by day, across the change to summer
        // time), whole days and cut Mondays (New York by week), whole months (UTC by month; Berlin by month, its
        // months' last UTC days cut), a period starting and ending mid-week, a year, and a zone whose days do not
        // start on whole hours (answered from the facts)
        List<QueryWindow> more = List.of(
                window("2026-03-20", "2026-04-05", "Europe/Berlin", Granularity.DAY),
                window("2026-03-01", "2026-04-30", "America/New_York", Granularity.WEEK),
                window("2026-01-15", "2026-05-31", "UTC", Granularity.MONTH),
                window("2026-03-04", "2026-04-16", "Europe/Berlin", Granularity.WEEK),
                window("2025-06-01", "2026-05-31", "UTC", null),
                window("2025-05-01", "2026-04-30", "Europe/Berlin", Granularity.MONTH),
                window("2026-03-01", "2026-04-30", "Asia/Kolkata", Granularity.WEEK));
        List<QueryWindow> all = new ArrayList<>(windows);
        all.addAll(more);

        var expected = exactness.assertRollupsGiveTheFacts(scopes, all, deals::fromFacts, deals::run);
        var expectedAppeals = exactness.assertRollupsGiveTheFacts(
                ReportCases.scopes(tenant), windows, appeals::fromFacts, appeals::fromRollups);
        int closedRows =
                expected.stream().mapToInt(report -> report.rows().size()).sum();
        int appealRows = expectedAppeals.stream()
                .mapToInt(report -> report.rows().size())
                .sum();
        assertThat(closedRows).as("the histories close deals in the windows").isGreaterThan(50);
        assertThat(appealRows).as("and log appeals in them").isGreaterThan(50);
        assertThat(expected.getFirst().open().deals()).as("and leave some open").isPositive();
        assertThat(all.getLast().daysStartOnWholeHours()).isFalse();

        // a department's report reads that department's documents alone...
        var d2 = scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), new Filters("d2", null, null));
        var berlinWeeks = windows.get(2);
        var read = deals.documents(exactness.contested(), d2, berlinWeeks);
        var plan = RollupPlan.of(berlinWeeks);
        assertThat(read).hasSize(plan.days().size() + plan.hours().size());
        assertThat(read.keySet()).allSatisfy(id -> assertThat(id).endsWith("|=d2"));
        // ...the tenant's every department with closed deals in those months, the deals without one included
        var everything = scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), ReportCases.EVERYTHING);
        assertThat(deals.documents(exactness.contested(), everything, berlinWeeks).keySet().stream()
                        .map(id -> id.substring(id.lastIndexOf('|') + 1))
                        .collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("=d1", "=d2", "-");
        assertThat(deals.documents(exactness.contested(), scopes.get(6), berlinWeeks))
                .as("someone who sees nothing reads nothing")
                .isEmpty();
    }

    /**
     * The plan of bench B3's call (a quarter by week for one department, Europe/Berlin): the UTC days a week's start
     * cuts (Sundays, at 22:00 or 23:00 UTC) per hour, every other day without hours; by day in Berlin every UTC day
     * is cut; a year in UTC reads whole months.
     */
    @Test
    void aReportReadsHoursOnlyForTheDaysARowBoundaryCuts() {
        var quarter = RollupPlan.of(window("2026-08-24", "2026-11-22", "Europe/Berlin", Granularity.WEEK));
        assertThat(quarter.months()).isEmpty();
        assertThat(quarter.hours()).hasSize(14).allMatch(day -> day.getDayOfWeek() == DayOfWeek.SUNDAY);
        assertThat(quarter.days()).hasSize(78);
        assertThat(quarter.days().keySet()).noneMatch(day -> day.getDayOfWeek() == DayOfWeek.SUNDAY);

        var inUtc = RollupPlan.of(window("2026-08-24", "2026-11-22", "UTC", Granularity.WEEK));
        assertThat(inUtc.hours()).isEmpty();
        assertThat(inUtc.days()).hasSize(91);

        var byDay = RollupPlan.of(window("2026-03-20", "2026-04-05", "Europe/Berlin", Granularity.DAY));
        assertThat(byDay.days()).isEmpty();
        assertThat(byDay.hours()).hasSize(18);

        var midWeek = RollupPlan.of(window("2026-03-04", "2026-04-16", "Europe/Berlin", Granularity.WEEK));
        assertThat(midWeek.hours())
                .contains(LocalDate.parse("2026-03-03"), LocalDate.parse("2026-04-16"))
                .allMatch(day -> day.getDayOfWeek() == DayOfWeek.SUNDAY
                        || day.equals(LocalDate.parse("2026-03-03"))
                        || day.equals(LocalDate.parse("2026-04-16")));

        for (String zone : List.of("UTC", "Europe/Berlin", "America/New_York")) {
            var year = RollupPlan.of(window("2025-11-23", "2026-11-22", zone, null));
            assertThat(year.months()).as(zone).hasSize(11);
            assertThat(year.days().size() + year.hours().size()).as(zone).isLessThan(56);
            assertThat(year.hours()).as(zone).hasSize(zone.equals("UTC") ? 0 : 2);
        }
    }

    /**
     * The appeals report's plan: by week, the inner days (Tuesday to Saturday) of every ISO week wholly in the period
     * from one document, Mondays and Sundays and a partial week's days per hour; by month, whole months' inner days;
     * by day, every day per hour.
     */
    @Test
    void appealsReadWholeWeeksAndMonthsFromOneDocumentEach() {
        // bench B3's call: 91 days from a Monday to a Sunday, by week in UTC
        var quarter = AppealsQuery.plan(window("2026-08-24", "2026-11-22", "UTC", Granularity.WEEK));
        assertThat(quarter.months()).isEmpty();
        assertThat(quarter.weeks())
                .hasSize(13)
                .allSatisfy((monday, label) -> assertThat(monday.getDayOfWeek()).isEqualTo(DayOfWeek.MONDAY));
        assertThat(quarter.weeks().get(LocalDate.parse("2026-08-24"))).isEqualTo("2026-W35");
        assertThat(quarter.days())
                .hasSize(91 - 13 * 5)
                .allMatch(day -> day.getDayOfWeek() == DayOfWeek.MONDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY);

        var inBerlin = AppealsQuery.plan(window("2026-03-02", "2026-04-12", "Europe/Berlin", Granularity.WEEK));
        assertThat(inBerlin.weeks()).hasSize(6);
        assertThat(inBerlin.days()).contains(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-04-12"));

        // from a Wednesday: that week is read by day
        var midWeek = AppealsQuery.plan(window("2026-03-04", "2026-04-12", "UTC", Granularity.WEEK));
        assertThat(midWeek.weeks())
                .doesNotContainKey(LocalDate.parse("2026-03-02"))
                .hasSize(5);
        assertThat(midWeek.days()).contains(LocalDate.parse("2026-03-04"), LocalDate.parse("2026-03-07"));

        var byMonth = AppealsQuery.plan(window("2026-01-01", "2026-03-31", "Europe/Berlin", Granularity.MONTH));
        assertThat(byMonth.months()).hasSize(3);
        assertThat(byMonth.weeks()).isEmpty();
        assertThat(byMonth.days()).hasSize(7);

        var byDay = AppealsQuery.plan(window("2026-03-02", "2026-03-15", "UTC", Granularity.DAY));
        assertThat(byDay.weeks()).isEmpty();
        assertThat(byDay.days()).hasSize(14);
    }

    @Test
    void aZoneWhoseDaysDoNotStartOnWholeHoursIsAnsweredFromTheFacts() {
        assertThat(window("2026-03-01", "2026-03-31", "Asia/Kolkata", null).daysStartOnWholeHours())
                .isFalse();
        assertThat(window("2026-03-01", "2026-03-31", "Europe/Berlin", null).daysStartOnWholeHours())
                .isTrue();
    }

    /** Deals won and lost in March and April by a rep of no department, and by nobody. */
    private static List<CrmEvent> closedWithoutADepartment(String tenant) {
        List<CrmEvent> events = new ArrayList<>();
        Instant march = Instant.parse("2026-03-03T09:30:00Z");
        for (int i = 0; i < 6; i++) {
            String deal = "solo-" + i;
            String owner = i % 3 == 2 ? null : "m5";
            Instant created = march.plus(i * 9L, ChronoUnit.DAYS);
            Instant closed = created.plus(2 + i * 7L, ChronoUnit.HOURS);
            Money amount = new Money(BigDecimal.valueOf(1_000 + i * 250L, 2), "EUR");
            Actor actor = owner == null ? Actor.system("intake") : Actor.user(owner);
            events.add(new DealCreated(
                    UUID.randomUUID().toString(),
                    tenant,
                    deal,
                    1,
                    created,
                    actor,
                    "p1",
                    "new",
                    "OPEN",
                    0,
                    10,
                    null,
                    null,
                    null,
                    owner,
                    null,
                    amount,
                    null,
                    null,
                    null));
            events.add(
                    i % 2 == 0
                            ? new DealWon(
                                    UUID.randomUUID().toString(),
                                    tenant,
                                    deal,
                                    2,
                                    closed,
                                    actor,
                                    "p1",
                                    "won",
                                    "new",
                                    null,
                                    owner,
                                    null,
                                    amount,
                                    created)
                            : new DealLost(
                                    UUID.randomUUID().toString(),
                                    tenant,
                                    deal,
                                    2,
                                    closed,
                                    actor,
                                    "p1",
                                    "lost",
                                    "new",
                                    "price",
                                    null,
                                    owner,
                                    null,
                                    amount,
                                    created));
        }
        return events;
    }
}
