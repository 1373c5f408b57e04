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
 * The pipeline-as-of report's rollups against the facts they are kept from: random deal histories in which deals
 * move between stages, owners and departments, change amounts, close, reopen and close again, every event
 * delivered twice in any order (a deal's newer revision before its older one) and by two writers at once: the
 * pipeline at the end of each date tried, from the rollups, equals the one replayed from the history facts of one
 * ordered pass, for every scope, filter and time zone tried.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseTestInfrastructure
class PipelineAsOfRollupsExactnessTest {

    @Autowired
    FactWriter writer;

    @Autowired
    ProjectionIndexes indexes;

    @Autowired
    PipelineAsOfQuery pipeline;

    @Test
    void rollupsGiveThePipelineOfThePastWhateverTheDeliveryOrderDuplicatesAndRacingWriters() {
        String tenant = "tenant-" + UUID.randomUUID();
        List<CrmEvent> events = DealHistories.random(tenant, 80, new Random(13));
        int version = 1_000 + ThreadLocalRandom.current().nextInt(1_000_000);
        var reference = new ProjectionCollections(version);
        var contested = new ProjectionCollections(version + 1);
        indexes.ensure(reference);
        indexes.ensure(contested);
        writer.apply(events, reference);

        var first = CompletableFuture.runAsync(() -> applyShuffled(events, contested, new Random(5)));
        var second = CompletableFuture.runAsync(() -> applyShuffled(events, contested, new Random(6)));
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
        List<LocalDate> dates = List.of(
                LocalDate.parse("2026-02-28"),
                LocalDate.parse("2026-03-07"),
                LocalDate.parse("2026-03-31"),
                LocalDate.parse("2026-04-17"),
                LocalDate.parse("2026-05-31"));
        List<ZoneId> zones = List.of(ZoneId.of("UTC"), ZoneId.of("Europe/Berlin"), ZoneId.of("Pacific/Auckland"));

        long deals = 0;
        long closed = 0;

        for (var scope : scopes) {
            for (var date : dates) {
                for (var zone : zones) {
                    var expected = pipeline.fromFacts(reference, scope, date, zone);
                    assertThat(pipeline.fromRollups(contested, scope, date, zone))
                            .as(scope + " " + date + " " + zone)
                            .isEqualTo(expected);
                    assertThat(pipeline.fromRollups(reference, scope, date, zone))
                            .as(scope + " " + date + " " + zone)
                            .isEqualTo(expected);
                    for (var row : expected.rows()) {
                        deals += row.deals();
                        closed += "OPEN".equals(row.stageKind()) ? 0 : row.deals();
                    }
                }
            }
        }
        assertThat(deals).as("the histories have deals on the dates").isGreaterThan(300);
        assertThat(closed).as("some of them closed").isGreaterThan(60);
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
}
