package org.opencrm.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.opencrm.analytics.query.ReportCases.scope;
import static org.opencrm.analytics.query.ReportCases.window;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.opencrm.analytics.DealHistories;
import org.opencrm.analytics.RollupExactness;
import org.opencrm.analytics.projection.DealRollups;
import org.opencrm.analytics.projection.FactWriter;
import org.opencrm.analytics.projection.FunnelRollups;
import org.opencrm.analytics.projection.ProjectionCollections;
import org.opencrm.analytics.projection.ProjectionIndexes;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Money;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.events.deals.DealReassigned;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.events.deals.DealWon;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The funnel's rollups against the history facts they are kept from: random deal histories in which deals move
 * forward and back, leave a stage and enter it again, change owner and department, are won, lost, reopened and
 * closed again, with times in stage from seconds to months; every event delivered twice in any order (a deal's
 * later moves before its earlier ones) and by two writers at once. The funnel from the rollups equals the one
 * aggregated from the facts of one ordered pass, for every scope, filter, period, zone and granularity tried; and
 * a scripted history shows what "first entry" and the histogram's median mean.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseTestInfrastructure
class FunnelRollupsExactnessTest {

    @Autowired
    FactWriter writer;

    @Autowired
    ProjectionIndexes indexes;

    @Autowired
    FunnelQuery funnel;

    @Autowired
    org.springframework.data.mongodb.core.MongoTemplate mongo;

    @Test
    void rollupsGiveTheFunnelOfTheFactsWhateverTheDeliveryOrderDuplicatesAndRacingWriters() {
        String tenant = "tenant-" + UUID.randomUUID();
        List<CrmEvent> events = DealHistories.backAndForth(tenant, 60, new Random(21));
        var exactness = RollupExactness.deliveredTwiceByRacingWriters(writer, indexes, events, 7, 8);

        List<AnalyticsScope> scopes = ReportCases.scopes(tenant);
        List<QueryWindow> windows = List.of(
                window("2026-03-01", "2026-03-31", "UTC", null),
                window("2026-03-01", "2026-04-30", "UTC", Granularity.DAY),
                window("2026-03-09", "2026-04-19", "Europe/Berlin", Granularity.WEEK),
                window("2026-02-15", "2026-05-31", "Pacific/Auckland", Granularity.MONTH),
                window("2026-03-20", "2026-03-27", "America/New_York", Granularity.DAY),
                // the bench's call in the histories' months: a quarter by month from and to the middle of a month
                window("2026-02-14", "2026-05-16", "Europe/Berlin", Granularity.MONTH),
                // one row from mid-March to mid-April: month documents less the days and hours outside it
                window("2026-03-10", "2026-04-20", "Europe/Berlin", null),
                // a year by month where the zone's months start inside the UTC months' first days
                window("2025-06-01", "2026-05-31", "America/New_York", Granularity.MONTH),
                // days starting at half past a UTC hour: answered from the facts
                window("2026-03-01", "2026-04-30", "Asia/Kolkata", Granularity.MONTH));
        assertThat(windows)
                .filteredOn(w -> !w.daysStartOnWholeHours())
                .extracting(w -> w.zone().getId())
                .containsExactly("Asia/Kolkata");

        var rows = exactness.assertRollupsGiveTheFacts(scopes, windows, funnel::fromFacts, funnel::run).stream()
                .flatMap(report -> report.rows().stream())
                .toList();
        long entered = rows.stream().mapToLong(FunnelReport.Row::entered).sum();
        long exits = rows.stream().mapToLong(FunnelReport.Row::exits).sum();
        assertThat(entered).as("the histories enter stages in the windows").isGreaterThan(300);
        assertThat(exits).as("and leave them").isGreaterThan(300);
        // the windows read month documents, subtract days and hours from them and add hours to other rows
        var quarter = FunnelQuery.plan(windows.get(5));
        assertThat(quarter.months()).hasSize(2);
        assertThat(quarter.hours()).isNotEmpty();
        var midMonths = FunnelQuery.plan(windows.get(6));
        assertThat(midMonths.months()).hasSize(2);
        assertThat(midMonths.days().values()).anyMatch(uses -> uses.getFirst().sign() < 0);
        assertThat(midMonths.hours().values()).anyMatch(uses -> uses.getFirst().sign() > 0);
        assertThat(FunnelQuery.plan(windows.get(7)).months()).hasSize(12);
    }

    /**
     * The bench's call (a quarter by month in Europe/Berlin, whose months start at 22:00 or 23:00 UTC on the UTC
     * months' last days): 3 month documents, 20 day documents and 5 blocks of hours instead of 92 days' hours.
     */
    @Test
    void aQuarterByMonthInBerlinReadsMonthsDaysAndOnlyTheHoursOnEachBoundarysOtherSide() {
        var plan = FunnelQuery.plan(window("2026-08-24", "2026-11-22", "Europe/Berlin", Granularity.MONTH));
        assertThat(plan.months().keySet())
                .extracting(YearMonth::toString)
                .containsExactly("2026-09", "2026-10", "2026-11");
        // August's days in the period, September's and October's first and last, November's first and, subtracted
        // from its month document, those after the period
        assertThat(plan.days().keySet())
                .extracting(LocalDate::toString)
                .containsExactly(
                        "2026-08-24",
                        "2026-08-25",
                        "2026-08-26",
                        "2026-08-27",
                        "2026-08-28",
                        "2026-08-29",
                        "2026-08-30",
                        "2026-08-31",
                        "2026-09-01",
                        "2026-09-30",
                        "2026-10-01",
                        "2026-10-31",
                        "2026-11-01",
                        "2026-11-23",
                        "2026-11-24",
                        "2026-11-25",
                        "2026-11-26",
                        "2026-11-27",
                        "2026-11-28",
                        "2026-11-29");
        assertThat(plan.days().get(LocalDate.parse("2026-11-23"))).containsExactly(new FunnelQuery.Use("2026-11", -1));
        // the period's first hours, each month's first hours (22:00, after the clocks went back 23:00 UTC) and the
        // hour after the period
        assertThat(plan.hours())
                .containsExactly(
                        entry("2026-08-23T22:00:00Z", use("2026-08", 1)),
                        entry("2026-08-23T23:00:00Z", use("2026-08", 1)),
                        entry("2026-08-31T22:00:00Z", use("2026-08", -1), use("2026-09", 1)),
                        entry("2026-08-31T23:00:00Z", use("2026-08", -1), use("2026-09", 1)),
                        entry("2026-09-30T22:00:00Z", use("2026-09", -1), use("2026-10", 1)),
                        entry("2026-09-30T23:00:00Z", use("2026-09", -1), use("2026-10", 1)),
                        entry("2026-10-31T23:00:00Z", use("2026-10", -1), use("2026-11", 1)),
                        entry("2026-11-22T23:00:00Z", use("2026-11", -1)));
        assertThat(plan.blocks())
                .extracting(FunnelRollups::blockName)
                .containsExactly("2026-08-23T21", "2026-08-31T21", "2026-09-30T21", "2026-10-31T21", "2026-11-22T21");

        // a year by month: 12 month documents, a few dozen days, and the blocks of the hours on each boundary's
        // shorter side: one block a boundary in Berlin (1-2 hours), 3 in Los Angeles (7-8 hours), 4 in Auckland
        // (11-12 hours), none in UTC
        Map<String, Integer> blocks =
                Map.of("UTC", 0, "Europe/Berlin", 14, "America/Los_Angeles", 42, "Pacific/Auckland", 56);
        blocks.forEach((zone, count) -> {
            var year = FunnelQuery.plan(window("2025-11-23", "2026-11-22", zone, Granularity.MONTH));
            assertThat(year.months()).as(zone).hasSize(12);
            assertThat(year.days()).as(zone).hasSizeLessThan(60);
            assertThat(year.blocks()).as(zone).hasSize(count);
        });
        // by day in UTC: one day document a day, no hours
        var daily = FunnelQuery.plan(window("2026-03-01", "2026-03-31", "UTC", Granularity.DAY));
        assertThat(daily.months()).isEmpty();
        assertThat(daily.days()).hasSize(31);
        assertThat(daily.hours()).isEmpty();
    }

    private static Map.Entry<Instant, List<FunnelQuery.Use>> entry(String hour, FunnelQuery.Use... uses) {
        return Map.entry(Instant.parse(hour), List.of(uses));
    }

    private static FunnelQuery.Use use(String label, int sign) {
        return new FunnelQuery.Use(label, sign);
    }

    /**
     * One deal, scripted: created in s0, moved to s1, back to s0, to s1 again and won. Its first entries count,
     * its re-entries do not (by day the old definition counted s0 again on 5 March and s1 on 10 March); moves
     * arriving before the earlier ones first count the re-entry, which moves to the first entry's day when they
     * come. Times in stage: the average exact, the median from durations kept to 3 significant digits.
     */
    @Test
    void aDealCountsInAStagesCohortOnceOnTheDayItFirstEnteredItAndLateEarlierEventsMoveIt() {
        String tenant = "tenant-" + UUID.randomUUID();
        String deal = "deal-scripted";
        Money amount = new Money(new BigDecimal("100.00"), "EUR");
        var created = created(tenant, deal, "2026-03-02T10:00:00Z");
        var toS1 = move(tenant, deal, 2, "2026-03-03T10:00:00Z", "m1", "s0", 0, "s1", 1, "OPEN", 500);
        var backToS0 = move(tenant, deal, 3, "2026-03-05T10:00:00Z", "m1", "s1", 1, "s0", 0, "OPEN", 123_456);
        var reassigned = new DealReassigned(
                id(),
                tenant,
                deal,
                4,
                at("2026-03-06T10:00:00Z"),
                Actor.user("m1"),
                "p1",
                null,
                "m1",
                "m3",
                "d1",
                "d2");
        var againToS1 = move(tenant, deal, 5, "2026-03-10T10:00:00Z", "m3", "s0", 0, "s1", 1, "OPEN", 86_400);
        var toWon = move(tenant, deal, 6, "2026-03-24T10:00:00Z", "m3", "s1", 1, "won", 4, "WON", 1_234_567);
        var won = new DealWon(
                id(),
                tenant,
                deal,
                7,
                at("2026-03-24T10:00:00Z"),
                Actor.user("m3"),
                "p1",
                "won",
                "s1",
                null,
                "m3",
                "d2",
                amount,
                at("2026-03-02T10:00:00Z"));
        var projection =
                new ProjectionCollections(1_000 + ThreadLocalRandom.current().nextInt(1_000_000));
        indexes.ensure(projection);
        var admin = scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), new Filters(null, null, null));
        var march = window("2026-03-01", "2026-03-31", "UTC", null);
        var daily = window("2026-03-01", "2026-03-31", "UTC", Granularity.DAY);

        // the later half first: s1 entered on 10 March as far as these events tell
        writer.apply(List.of(won, toWon, againToS1, reassigned), projection);
        var early = funnel.run(projection, admin, daily);
        assertThat(row(early, "2026-03-10", "s1").entered()).isEqualTo(1);

        writer.apply(List.of(backToS0, toS1, created, toS1), projection);
        var report = funnel.run(projection, admin, daily);
        assertThat(report).isEqualTo(funnel.fromFacts(projection, admin, daily));
        assertThat(report.rows())
                .filteredOn(r -> r.entered() > 0)
                .extracting(
                        r -> r.period() + " " + r.stage() + " " + r.entered() + " " + r.movedForward() + " " + r.won())
                .containsExactly("2026-03-02 s0 1 1 1", "2026-03-03 s1 1 1 1", "2026-03-24 won 1 0 1");
        assertThat(report.rows())
                .filteredOn(r -> r.exits() > 0)
                .extracting(r -> r.period() + " " + r.stage() + " " + r.exits())
                .containsExactly("2026-03-03 s0 1", "2026-03-05 s1 1", "2026-03-10 s0 1", "2026-03-24 s1 1");

        var month = funnel.run(projection, admin, march);
        assertThat(month).isEqualTo(funnel.fromFacts(projection, admin, march));
        var s1 = row(month, "2026-03-01/2026-03-31", "s1");
        assertThat(s1.entered()).isEqualTo(1);
        assertThat(s1.conversionToWon()).isEqualByComparingTo("1");
        assertThat(s1.exits()).isEqualTo(2);
        assertThat(s1.averageSecondsInStage()).isEqualTo((123_456 + 1_234_567) / 2.0);
        // each alone in its bucket, whose mean is then the duration itself
        assertThat(s1.medianSecondsInStage()).isEqualTo((123_456 + 1_234_567) / 2.0);
        var s0 = row(month, "2026-03-01/2026-03-31", "s0");
        // below 4,096 s durations are exact
        assertThat(s0.exits()).isEqualTo(2);
        assertThat(s0.medianSecondsInStage()).isEqualTo((500 + 86_400) / 2.0);

        // the cohort keeps the owner of the first entry: m3, who re-entered s1, has no s1 cohort, only the exits
        var ofM3 = scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), new Filters(null, null, "m3"));
        var m3 = funnel.run(projection, ofM3, march);
        assertThat(m3).isEqualTo(funnel.fromFacts(projection, ofM3, march));
        assertThat(m3.rows())
                .extracting(r -> r.stage() + " " + r.entered() + " " + r.exits())
                .containsExactly("s0 0 1", "s1 0 1", "won 1 0");

        // a zone whose days do not start on whole UTC hours is answered from the facts, by the same definitions
        var kolkata = window("2026-03-01", "2026-03-31", "Asia/Kolkata", Granularity.DAY);
        assertThat(funnel.run(projection, admin, kolkata).rows())
                .filteredOn(r -> r.entered() > 0)
                .extracting(r -> r.period() + " " + r.stage())
                .containsExactly("2026-03-02 s0", "2026-03-03 s1", "2026-03-24 won");
    }

    @Test
    void durationsAreKeptToThreeSignificantDigitsAsTheActivityReportsFirstResponses() {
        assertThat(FunnelRollups.bucket(0)).isZero();
        assertThat(FunnelRollups.bucket(4_095)).isEqualTo(4_095);
        assertThat(FunnelRollups.bucket(4_097)).isEqualTo(4_096);
        assertThat(FunnelRollups.bucket(8_191)).isEqualTo(8_190);
        assertThat(FunnelRollups.bucket(123_457)).isEqualTo(123_456);
        assertThat(FunnelRollups.bucket(123_488)).isEqualTo(123_488);
        assertThat(FunnelRollups.bucket(-5)).isEqualTo(-5);
    }

    /** Two durations in one bucket: the median reads the bucket's mean, at most 0.05% off. */
    @Test
    void aMedianAboveTheExactRangeIsItsBucketsMean() {
        var durations = new BucketSums();
        durations.add(500L, 1, 0);
        durations.add(FunnelRollups.bucket(123_457), 2, 123_457 + 123_470);
        assertThat(DurationMedian.of(durations)).isEqualTo((123_457 + 123_470) / 2.0);
        durations.add(FunnelRollups.bucket(2_000_000), 1, 2_000_000);
        assertThat(DurationMedian.of(durations)).isEqualTo((123_457 + 123_470) / 2.0);
    }

    /**
     * A report reads the fine buckets of only the coarse buckets holding its rows' medians, and holds them to the
     * coarse buckets' counts: a fine figure planted in another coarse bucket changes nothing, one planted in the
     * median's fails the report instead of moving its median.
     */
    @Test
    void aReportReadsTheFineBucketsOfOnlyTheCoarseBucketsHoldingItsMedians() {
        String tenant = "tenant-" + UUID.randomUUID();
        var projection =
                new ProjectionCollections(1_000 + ThreadLocalRandom.current().nextInt(1_000_000));
        indexes.ensure(projection);
        long[] seconds = {100, 5_000, 200_000};
        for (int i = 0; i < seconds.length; i++) {
            String deal = "deal-" + i;
            writer.apply(
                    List.of(
                            created(tenant, deal, "2026-03-0" + (2 + i) + "T10:00:00Z"),
                            move(
                                    tenant,
                                    deal,
                                    2,
                                    "2026-03-1" + i + "T10:00:00Z",
                                    "m1",
                                    "s0",
                                    0,
                                    "s1",
                                    1,
                                    "OPEN",
                                    seconds[i])),
                    projection);
        }
        assertThat(FunnelRollups.coarseBucket(FunnelRollups.bucket(5_000))).isEqualTo(4_864);
        assertThat(FunnelRollups.coarseBucket(FunnelRollups.bucket(200_000))).isEqualTo(196_608);
        var admin = scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), new Filters(null, null, null));
        var ofM1 = scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), new Filters(null, null, "m1"));
        var march = window("2026-03-01", "2026-03-31", "Europe/Berlin", Granularity.MONTH);
        for (var scope : List.of(admin, ofM1)) {
            assertThat(row(funnel.run(projection, scope, march), "2026-03", "s0")
                            .medianSecondsInStage())
                    .isEqualTo(5_000.0);
        }

        plantInFineBuckets(projection, tenant, "196608|", 5, 1_000_000);
        for (var scope : List.of(admin, ofM1)) {
            assertThat(row(funnel.run(projection, scope, march), "2026-03", "s0")
                            .medianSecondsInStage())
                    .isEqualTo(5_000.0);
        }

        // 5,100 s: a fine bucket of the coarse bucket from 4,864 s, which holds the median
        plantInFineBuckets(projection, tenant, "4864|", 2, 5_100);
        for (var scope : List.of(admin, ofM1)) {
            assertThatThrownBy(() -> funnel.run(projection, scope, march))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("coarse bucket 4864 s");
        }
    }

    /** Adds {@code count} moves of {@code seconds} to every fine histogram entry of one coarse bucket. */
    private void plantInFineBuckets(
            ProjectionCollections projection, String tenant, String coarsePrefix, long count, long seconds) {
        var rollups = mongo.getCollection(projection.rollups());
        long planted = 0;
        for (var doc : rollups.find(new org.bson.Document("tenantId", tenant))) {
            var histograms = doc.get(DealRollups.HISTOGRAMS, new org.bson.Document());
            for (String key : histograms.keySet()) {
                if (key.startsWith(coarsePrefix)) {
                    String path = DealRollups.HISTOGRAMS + "." + key + ".";
                    rollups.updateOne(
                            new org.bson.Document("_id", doc.get("_id")),
                            new org.bson.Document(
                                    "$inc",
                                    new org.bson.Document(path + FunnelRollups.BUCKET + seconds, count)
                                            .append(path + FunnelRollups.BUCKET_SUM + seconds, count * seconds)));
                    planted++;
                }
            }
        }
        assertThat(planted).as("fine histogram entries in " + coarsePrefix).isPositive();
    }

    private static DealCreated created(String tenant, String deal, String at) {
        return new DealCreated(
                id(),
                tenant,
                deal,
                1,
                at(at),
                Actor.user("m1"),
                "p1",
                "s0",
                "OPEN",
                0,
                10,
                null,
                null,
                null,
                "m1",
                "d1",
                new Money(new BigDecimal("100.00"), "EUR"),
                null,
                null,
                null);
    }

    private static FunnelReport.Row row(FunnelReport report, String period, String stage) {
        return report.rows().stream()
                .filter(r -> r.period().equals(period) && r.stage().equals(stage))
                .findFirst()
                .orElseThrow(() -> new AssertionError(period + " " + stage + " not in " + report.rows()));
    }

    private static DealStageChanged move(
            String tenant,
            String deal,
            long version,
            String at,
            String owner,
            String from,
            int fromPosition,
            String to,
            int toPosition,
            String toKind,
            long seconds) {
        return DealHistories.stageChanged(
                tenant,
                deal,
                "p1",
                version,
                at(at),
                owner,
                from,
                fromPosition,
                "OPEN",
                to,
                toPosition,
                toKind,
                10 * toPosition,
                null,
                seconds);
    }

    private static Instant at(String instant) {
        return Instant.parse(instant);
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
