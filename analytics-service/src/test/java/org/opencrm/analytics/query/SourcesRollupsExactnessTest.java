package org.opencrm.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
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
        int version = 1_000 + ThreadLocalRandom.current().nextInt(1_000_000);
        var reference = new ProjectionCollections(version);
        var contested = new ProjectionCollections(version + 1);
        indexes.ensure(reference);
        indexes.ensure(contested);
        writer.apply(events, reference);

        var first = CompletableFuture.runAsync(() -> applyShuffled(events, contested, new Random(3)));
        var second = CompletableFuture.runAsync(() -> applyShuffled(events, contested, new Random(4)));
        CompletableFuture.allOf(first, second).join();

        var everything = new Filters(null, null, null);
        List<AnalyticsScope> scopes = List.of(
                scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), everything),
                scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), new Filters("d2", null, null)),
                scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), new Filters(null, "p2", null)),
                scope(tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), new Filters(null, null, "m3")),
                scope(tenant, AnalyticsScope.Kind.DEPARTMENTS, "m4", Set.of("d1"), everything),
                scope(tenant, AnalyticsScope.Kind.DEPARTMENTS, "m1", Set.of("d2"), new Filters("d2", null, null)),
                scope(tenant, AnalyticsScope.Kind.OWN, "m2", Set.of("d1"), new Filters(null, null, "m1")),
                scope(tenant, AnalyticsScope.Kind.NONE, "x", Set.of(), everything),
                scope("another-" + tenant, AnalyticsScope.Kind.TENANT, "admin", Set.of(), everything));
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

        long leads = 0;
        long won = 0;
        for (var scope : scopes) {
            for (var window : windows) {
                var expected = sources.fromFacts(reference, scope, window);
                assertThat(sources.fromRollups(contested, scope, window))
                        .as(scope + " " + window)
                        .isEqualTo(expected);
                assertThat(sources.fromRollups(reference, scope, window))
                        .as(scope + " " + window)
                        .isEqualTo(expected);
                for (var row : expected.rows()) {
                    leads += row.leads();
                    won += row.won();
                }
            }
        }
        assertThat(leads).as("the histories receive leads in the windows").isGreaterThan(100);
        // the windows above read whole months from the monthly documents (the histories' March and April)...
        assertThat(SourcesQuery.plan(windows.get(5)).months()).hasSize(3);
        assertThat(SourcesQuery.plan(windows.get(6)).months()).hasSize(1);
        // ...and a year by month reads 11 monthly and about 50 day documents per kind, not 365, in any zone
        for (String zone : List.of("UTC", "Europe/Berlin", "Pacific/Auckland", "America/Los_Angeles")) {
            var year = SourcesQuery.plan(window("2025-11-23", "2026-11-22", zone, Granularity.MONTH));
            assertThat(year.months()).as(zone).hasSize(11);
            assertThat(year.days()).as(zone).hasSizeLessThan(56);
        }
        assertThat(won).as("and win deals made from them").isGreaterThan(20);
    }

    private void applyShuffled(List<CrmEvent> events, ProjectionCollections to, Random random) {
        List<CrmEvent> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, random);
        for (int from = 0; from < shuffled.size(); ) {
            int next = Math.min(shuffled.size(), from + 1 + random.nextInt(40));
            writer.apply(shuffled.subList(from, next), to);
            from = next;
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
