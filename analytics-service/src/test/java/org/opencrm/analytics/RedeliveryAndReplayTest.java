package org.opencrm.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.opencrm.analytics.projection.ProjectionCollections;
import org.opencrm.analytics.projection.ProjectionPointer;
import org.opencrm.events.CrmEvent;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/**
 * Exactness: every event delivered twice, interleaved differently each time (only one aggregate's events
 * keep their order, as Kafka guarantees), gives the same figures; a rebuild that replays the topics from the
 * start into a new projection version gives them again, including events published while it runs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseTestInfrastructure
class RedeliveryAndReplayTest extends AnalyticsTestSupport {

    @Autowired
    MongoTemplate mongo;

    @Test
    void everyEventTwiceAndAFullReplayGiveTheSameFigures() throws Exception {
        var scenario = new Scenario();
        var random = new Random(8);
        publish(interleaved(scenario.events, random));
        publish(interleaved(scenario.events, random));
        awaitConsumed();
        String admin = admin(scenario.tenant);
        assertAllFigures(admin);

        int before =
                report("/api/analytics/rebuild", admin).get("currentVersion").asInt();
        var started = post("/api/analytics/rebuild", admin);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        assertThat(json(started.body()).get("buildingVersion").asInt()).isEqualTo(before + 1);
        assertThat(post("/api/analytics/rebuild", admin).statusCode())
                .as("a second rebuild while one runs")
                .isEqualTo(409);
        // Queries keep answering from the current version while the new one is built...
        ScenarioFigures.assertDeals(report("/api/analytics/deals?" + MARCH, admin));
        // ...and events published during the rebuild reach the new version too.
        var during = new Scenario();
        publish(during.events);

        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    var status = report("/api/analytics/rebuild", admin);
                    assertThat(status.get("rebuild").get("state").asString()).isEqualTo("COMPLETED");
                });
        var status = report("/api/analytics/rebuild", admin);
        assertThat(status.get("currentVersion").asInt()).isEqualTo(before + 1);
        assertThat(status.get("buildingVersion").isNull()).isTrue();
        assertThat(status.get("rebuild").get("progress").asDouble()).isEqualTo(1.0);
        assertThat(status.get("rebuild").get("requestedBy").asString()).isEqualTo("admin");
        var seenByAnotherTenant = report("/api/analytics/rebuild", admin(during.tenant));
        assertThat(seenByAnotherTenant.get("rebuild").get("state").asString()).isEqualTo("COMPLETED");
        assertThat(seenByAnotherTenant.get("rebuild").get("requestedBy").isNull())
                .as("another tenant's user id")
                .isTrue();

        assertAllFigures(admin);
        // the figures above are the rebuilt version's rollups: it holds the sources, pipeline-as-of and funnel
        // documents its replay built
        var rebuilt = new ProjectionCollections(before + 1).rollups();
        for (String kind : List.of("|leads|", "|created|", "|asof-month|", "|asof-day|", "|asof-hour|", "|funnel|")) {
            assertThat(mongo.count(
                            new Query(Criteria.where("_id").regex("^" + (scenario.tenant + kind).replace("|", "\\|"))),
                            rebuilt))
                    .as(kind)
                    .isPositive();
        }
        // and the activity documents (calls, interactions, tasks, first responses per day)
        for (String kind : List.of("|act-rep-calls|", "|act-rep-interactions|", "|act-rep-tasks|", "|act-rep-fr|")) {
            assertThat(mongo.count(
                            new Query(Criteria.where("_id").regex("^" + (scenario.tenant + kind).replace("|", "\\|"))),
                            rebuilt))
                    .as(kind)
                    .isPositive();
        }
        awaitConsumed();
        assertAllFigures(admin(during.tenant));
    }

    /**
     * An upgrade whose rollups' layout the current version lacks ({@link ProjectionPointer#FORMAT}; a pointer written
     * by earlier code has no format): every report answers a 503 problem naming the rebuild, not figures read from
     * documents this code no longer writes; bad input is still a 400 first; after a rebuild the figures are exact.
     */
    @Test
    void afterAnUpgradeThatChangedTheLayoutReportsWaitForARebuild() throws Exception {
        var scenario = new Scenario();
        publish(scenario.events);
        awaitConsumed();
        String admin = admin(scenario.tenant);
        assertAllFigures(admin);

        mongo.updateFirst(
                new Query(Criteria.where("_id").is("projection")),
                new Update().unset("currentFormat"),
                ProjectionPointer.COLLECTION);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(get("/api/analytics/deals?" + MARCH, admin, "application/json")
                                .statusCode())
                        .isEqualTo(503));
        for (String path : List.of(
                "/api/analytics/funnel?" + MARCH,
                "/api/analytics/deals?" + MARCH,
                "/api/analytics/activity?" + MARCH,
                "/api/analytics/sources?" + MARCH,
                "/api/analytics/appeals?" + MARCH,
                "/api/analytics/pipeline-as-of?date=2026-03-05&timeZone=UTC")) {
            var refused = get(path, admin, "application/json");
            assertThat(refused.statusCode()).as(path).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            var problem = json(refused.body());
            assertThat(problem.get("detail").asString()).contains("rebuild");
            assertThat(problem.get("rebuild").asString()).isEqualTo("/api/analytics/rebuild");
        }
        assertThat(get("/api/analytics/deals?from=2026-03-31&to=2026-03-01", admin, "application/json")
                        .statusCode())
                .as("a bad period")
                .isEqualTo(400);
        assertThat(report("/api/analytics/rebuild", admin).get("rebuildNeeded").asBoolean())
                .isTrue();

        assertThat(post("/api/analytics/rebuild", admin).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(report("/api/analytics/rebuild", admin)
                                .get("rebuild")
                                .get("state")
                                .asString())
                        .isEqualTo("COMPLETED"));
        assertThat(report("/api/analytics/rebuild", admin).get("rebuildNeeded").asBoolean())
                .isFalse();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertAllFigures(admin));
    }

    private void assertAllFigures(String admin) throws Exception {
        ScenarioFigures.assertFunnel(report("/api/analytics/funnel?" + MARCH, admin));
        ScenarioFigures.assertDeals(report("/api/analytics/deals?" + MARCH, admin));
        ScenarioFigures.assertSources(report("/api/analytics/sources?" + MARCH, admin));
        ScenarioFigures.assertActivity(report("/api/analytics/activity?" + MARCH, admin));
        ScenarioFigures.assertAppeals(report("/api/analytics/appeals?" + MARCH, admin));
        ScenarioFigures.assertPipelineOnMarch5(
                report("/api/analytics/pipeline-as-of?date=2026-03-05&timeZone=UTC", admin));
    }

    /** A random interleaving of the aggregates' event streams, each stream in its own order. */
    private static List<CrmEvent> interleaved(List<CrmEvent> events, Random random) {
        Map<String, List<CrmEvent>> streams = new LinkedHashMap<>();
        events.forEach(e ->
                streams.computeIfAbsent(e.aggregateId(), k -> new ArrayList<>()).add(e));
        List<List<CrmEvent>> pending =
                new ArrayList<>(streams.values().stream().map(ArrayList::new).toList());
        List<CrmEvent> result = new ArrayList<>();
        while (!pending.isEmpty()) {
            var stream = pending.get(random.nextInt(pending.size()));
            result.add(stream.removeFirst());
            if (stream.isEmpty()) {
                pending.remove(stream);
            }
        }
        return result;
    }
}
