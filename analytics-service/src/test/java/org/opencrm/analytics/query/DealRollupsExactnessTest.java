package org.opencrm.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencrm.analytics.query.ReportCases.window;

import java.util.List;
import java.util.Random;
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
        String tenant = "tenant-" + java.util.UUID.randomUUID();
        var random = new Random(8);
        List<CrmEvent> events = DealHistories.random(tenant, 60, random);
        var exactness = RollupExactness.deliveredTwiceByRacingWriters(writer, indexes, events, 1, 2);

        List<AnalyticsScope> scopes = ReportCases.scopes(tenant);
        List<QueryWindow> windows = List.of(
                window("2026-03-01", "2026-04-30", "UTC", null),
                window("2026-03-01", "2026-04-30", "UTC", Granularity.DAY),
                window("2026-03-02", "2026-04-12", "Europe/Berlin", Granularity.WEEK),
                window("2026-02-20", "2026-04-30", "America/New_York", Granularity.MONTH),
                window("2026-03-10", "2026-03-10", "Pacific/Auckland", Granularity.DAY));

        var expected = exactness.assertRollupsGiveTheFacts(scopes, windows, deals::fromFacts, deals::fromRollups);
        var expectedAppeals =
                exactness.assertRollupsGiveTheFacts(scopes, windows, appeals::fromFacts, appeals::fromRollups);
        int closedRows =
                expected.stream().mapToInt(report -> report.rows().size()).sum();
        int appealRows = expectedAppeals.stream()
                .mapToInt(report -> report.rows().size())
                .sum();
        assertThat(closedRows).as("the histories close deals in the windows").isGreaterThan(50);
        assertThat(appealRows).as("and log appeals in them").isGreaterThan(50);
        assertThat(expected.getFirst().open().deals()).as("and leave some open").isPositive();
    }

    @Test
    void aZoneWhoseDaysDoNotStartOnWholeHoursIsAnsweredFromTheFacts() {
        assertThat(window("2026-03-01", "2026-03-31", "Asia/Kolkata", null).daysStartOnWholeHours())
                .isFalse();
        assertThat(window("2026-03-01", "2026-03-31", "Europe/Berlin", null).daysStartOnWholeHours())
                .isTrue();
    }
}
