package org.opencrm.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencrm.analytics.query.ReportCases.window;

import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencrm.analytics.DealHistories;
import org.opencrm.analytics.RollupExactness;
import org.opencrm.analytics.projection.FactWriter;
import org.opencrm.analytics.projection.ProjectionIndexes;
import org.opencrm.events.CrmEvent;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The sources report's rollups against the facts they are kept from: random leads from several sources (or none)
 * routed to departments (or none), deals made from them (some leads none, a few two) whose histories move them
 * between owners, departments and stages, win, lose and reopen them, every event delivered twice in any order and
 * by two writers at once: the report from the rollups equals the report aggregated from the facts of one ordered
 * pass, for every scope, filter, time zone and granularity tried (the scopes whose leads are counted through the
 * deals they became are answered from the facts for their leads and from the rollups for their deals).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseTestInfrastructure
class SourcesRollupsExactnessTest {

    @Autowired
    FactWriter writer;

    @Autowired
    ProjectionIndexes indexes;

    @Autowired
    SourcesQuery sources;

    @Test
    void rollupsGiveTheFactsSourcesWhateverTheDeliveryOrderDuplicatesAndRacingWriters() {
        String tenant = "tenant-" + UUID.randomUUID();
        List<CrmEvent> events = DealHistories.randomWithLeads(tenant, 80, new Random(11));
        var exactness = RollupExactness.deliveredTwiceByRacingWriters(writer, indexes, events, 3, 4);

        List<AnalyticsScope> scopes = new ArrayList<>(ReportCases.scopes(tenant));
        scopes.add(ReportCases.headOfD2(tenant));
        List<QueryWindow> windows = List.of(
                window("2026-03-01", "2026-04-30", "UTC", null),
                window("2026-03-01", "2026-04-30", "UTC", Granularity.DAY),
                window("2026-03-02", "2026-04-12", "Europe/Berlin", Granularity.WEEK),
                window("2026-02-20", "2026-04-30", "America/New_York", Granularity.MONTH),
                window("2026-03-10", "2026-03-10", "Pacific/Auckland", Granularity.DAY),
                // whole months from the monthly documents, their first and last days per hour from the day documents
                window("2026-02-01", "2026-04-30", "Asia/Tokyo", Granularity.MONTH),
                window("2026-02-15", "2026-04-20", "Europe/Berlin", null),
                window("2026-03-01", "2026-04-30", "America/Sao_Paulo", Granularity.MONTH));

        var rows =
                exactness.assertRollupsGiveTheFacts(scopes, windows, sources::fromFacts, sources::fromRollups).stream()
                        .flatMap(report -> report.rows().stream())
                        .toList();
        long leads = rows.stream().mapToLong(SourcesReport.Row::leads).sum();
        long won = rows.stream().mapToLong(SourcesReport.Row::won).sum();
        assertThat(leads).as("the histories receive leads in the windows").isGreaterThan(100);
        // the windows above read whole months from the monthly documents (the histories' March and April)...
        assertThat(RollupPlan.of(windows.get(5)).months()).hasSize(3);
        assertThat(RollupPlan.of(windows.get(6)).months()).hasSize(1);
        // ...and whole days without their hours: in UTC by month and by day every day, in Berlin by week all but
        // the Sundays a week's start cuts, in Auckland by day none (its days start at 11:00 or 12:00 UTC)
        assertThat(RollupPlan.of(windows.get(0)).hours()).isEmpty();
        assertThat(RollupPlan.of(windows.get(1)).days()).hasSize(61);
        assertThat(RollupPlan.of(windows.get(2)).hours())
                .hasSize(7)
                .allMatch(day -> day.getDayOfWeek() == DayOfWeek.SUNDAY);
        assertThat(RollupPlan.of(windows.get(4)).days()).isEmpty();
        // a year by month reads 11 monthly and about 50 day documents per kind, not 365, in any zone
        for (String zone : List.of("UTC", "Europe/Berlin", "Pacific/Auckland", "America/Los_Angeles")) {
            var year = RollupPlan.of(window("2025-11-23", "2026-11-22", zone, Granularity.MONTH));
            assertThat(year.months()).as(zone).hasSize(11);
            assertThat(year.daysOutsideMonths()).as(zone).hasSizeLessThan(56);
        }
        assertThat(won).as("and win deals made from them").isGreaterThan(20);
    }
}
