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
import org.opencrm.events.CrmEvent;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

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
