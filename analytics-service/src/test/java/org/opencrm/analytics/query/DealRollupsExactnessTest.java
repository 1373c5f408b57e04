package org.opencrm.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.opencrm.analytics.DealHistories;
import org.opencrm.analytics.projection.FactWriter;
import org.opencrm.analytics.projection.ProjectionCollections;
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
        int version = 1_000 + ThreadLocalRandom.current().nextInt(1_000_000);
        var reference = new ProjectionCollections(version);
        var contested = new ProjectionCollections(version + 1);
        indexes.ensure(reference);
        indexes.ensure(contested);
        writer.apply(events, reference);

        // two writers, each with every event in its own random order (newer revisions of a deal often first),
        // in batches of random sizes
        var first = CompletableFuture.runAsync(() -> applyShuffled(events, contested, new Random(1)));
        var second = CompletableFuture.runAsync(() -> applyShuffled(events, contested, new Random(2)));
        CompletableFuture.allOf(first, second).join();

        var everything = new Filters(null, null, null);
        List<AnalyticsScope> scopes = List.of(
                scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), everything),
                scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), new Filters("d2", null, null)),
                scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), new Filters(null, "p2", null)),
                scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), new Filters(null, null, "m3")),
                scope(tenant, AnalyticsScope.Kind.DEPARTMENTS, "m4", Set.of("d1"), everything),
                scope(tenant, AnalyticsScope.Kind.OWN, "m2", Set.of("d1"), new Filters(null, null, "m1")),
                scope(tenant, AnalyticsScope.Kind.NONE, "x", Set.of(), everything),
                scope("another-" + tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), everything));
        List<QueryWindow> windows = List.of(
                window("2026-03-01", "2026-04-30", "UTC", null),
                window("2026-03-01", "2026-04-30", "UTC", Granularity.DAY),
                window("2026-03-02", "2026-04-12", "Europe/Berlin", Granularity.WEEK),
                window("2026-02-20", "2026-04-30", "America/New_York", Granularity.MONTH),
                window("2026-03-10", "2026-03-10", "Pacific/Auckland", Granularity.DAY));

        int closedRows = 0;
        int appealRows = 0;
        for (var scope : scopes) {
            for (var window : windows) {
                var expected = deals.fromFacts(reference, scope, window);
                assertThat(deals.fromRollups(contested, scope, window))
                        .as(scope + " " + window)
                        .isEqualTo(expected);
                assertThat(deals.fromRollups(reference, scope, window))
                        .as(scope + " " + window)
                        .isEqualTo(expected);
                closedRows += expected.rows().size();
                var expectedAppeals = appeals.fromFacts(reference, scope, window);
                assertThat(appeals.fromRollups(contested, scope, window))
                        .as("appeals " + scope + " " + window)
                        .isEqualTo(expectedAppeals);
                appealRows += expectedAppeals.rows().size();
            }
        }
        assertThat(closedRows).as("the histories close deals in the windows").isGreaterThan(50);
        assertThat(appealRows).as("and log appeals in them").isGreaterThan(50);
        assertThat(deals.fromFacts(reference, scopes.getFirst(), windows.getFirst())
                        .open()
                        .deals())
                .as("and leave some open")
                .isPositive();
    }

    @Test
    void aZoneWhoseDaysDoNotStartOnWholeHoursIsAnsweredFromTheFacts() {
        assertThat(window("2026-03-01", "2026-03-31", "Asia/Kolkata", null).daysStartOnWholeHours())
                .isFalse();
        assertThat(window("2026-03-01", "2026-03-31", "Europe/Berlin", null).daysStartOnWholeHours())
                .isTrue();
    }

    private void applyShuffled(List<CrmEvent> events, ProjectionCollections to, Random random) {
        List<CrmEvent> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, random);
        for (int from = 0; from < shuffled.size(); ) {
            int to2 = Math.min(shuffled.size(), from + 1 + random.nextInt(40));
            writer.apply(shuffled.subList(from, to2), to);
            from = to2;
        }
    }

    private static AnalyticsScope scope(
            String tenant, AnalyticsScope.Kind kind, String user, Set<String> departments, Filters filters) {
        return new AnalyticsScope(tenant, kind, user, departments, filters);
    }

    private static QueryWindow window(String from, String to, String zone, Granularity granularity) {
        return new QueryWindow(LocalDate.parse(from), LocalDate.parse(to), ZoneId.of(zone), granularity);
    }
}
