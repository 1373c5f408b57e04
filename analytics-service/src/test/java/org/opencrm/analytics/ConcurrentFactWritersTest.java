package org.opencrm.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.opencrm.analytics.projection.FactWriter;
import org.opencrm.analytics.projection.ProjectionCollections;
import org.opencrm.analytics.projection.ProjectionIndexes;
import org.opencrm.events.CrmEvent;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;

/**
 * The batch writer's compare-and-set: the live listener and a rebuild's replay write the same projection version
 * at the same time, each in its own batches and order. Whatever they race on, the stored facts end up exactly as
 * one ordered pass over the events writes them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseTestInfrastructure
class ConcurrentFactWritersTest {

    @Autowired
    FactWriter writer;

    @Autowired
    ProjectionIndexes indexes;

    @Autowired
    MongoTemplate mongo;

    @Test
    void twoWritersRacingOverTheSameEventsInDifferentBatchesStoreWhatOneOrderedPassStores() throws Exception {
        var scenario = new Scenario();
        int version = 1_000 + ThreadLocalRandom.current().nextInt(1_000_000);
        var reference = new ProjectionCollections(version);
        var contested = new ProjectionCollections(version + 1);
        indexes.ensure(reference);
        indexes.ensure(contested);
        writer.apply(scenario.events, reference);

        for (int round = 0; round < 3; round++) {
            var live = CompletableFuture.runAsync(() -> scenario.events.forEach(e -> writer.apply(e, contested)));
            var replay = CompletableFuture.runAsync(() -> {
                var events = reversedInterleaving(scenario.events);
                for (int from = 0; from < events.size(); from += 5) {
                    writer.apply(events.subList(from, Math.min(events.size(), from + 5)), contested);
                }
            });
            CompletableFuture.allOf(live, replay).join();
        }

        for (int i = 0; i < reference.all().size(); i++) {
            assertThat(stored(contested.all().get(i)))
                    .as(contested.all().get(i))
                    .isEqualTo(stored(reference.all().get(i)));
        }
        assertThat(stored(reference.deals())).hasSize(4);
        // the deals report's sums: equal above, and every difference applied (none left pending on a deal)
        assertThat(stored(reference.rollups())).isNotEmpty();
        assertThat(stored(contested.deals()).values()).noneMatch(deal -> deal.containsKey("rollupPending"));
    }

    /**
     * The documents by id, without the writers' revision counters (the documents' own and, in the rollups, the
     * deal revisions each applied), sets in a fixed order, rollups without figures left out.
     */
    private Map<Object, Document> stored(String collection) {
        Map<Object, Document> byId = new LinkedHashMap<>();
        mongo.find(new Query(), Document.class, collection).stream()
                // a rollup document all of whose sums went back to zero holds no figure (an order that opened
                // a deal for a while leaves one behind)
                .filter(doc -> !(doc.get("e") instanceof Document entries && entries.isEmpty()))
                .sorted((a, b) -> String.valueOf(a.get("_id")).compareTo(String.valueOf(b.get("_id"))))
                .forEach(doc -> {
                    doc.remove("rev");
                    doc.remove("marks");
                    doc.replaceAll((name, value) -> value instanceof List<?> list ? sorted(list) : value);
                    byId.put(doc.get("_id"), doc);
                });
        return byId;
    }

    private static List<String> sorted(List<?> values) {
        List<String> copy = new ArrayList<>(values.stream().map(String::valueOf).toList());
        Collections.sort(copy);
        return copy;
    }

    /** Each aggregate's events in their order, the aggregates taken last-first: another order Kafka allows. */
    private static List<CrmEvent> reversedInterleaving(List<CrmEvent> events) {
        Map<String, List<CrmEvent>> streams = new LinkedHashMap<>();
        events.forEach(e ->
                streams.computeIfAbsent(e.aggregateId(), k -> new ArrayList<>()).add(e));
        List<List<CrmEvent>> pending = new ArrayList<>(streams.values());
        Collections.reverse(pending);
        List<CrmEvent> result = new ArrayList<>();
        pending.forEach(result::addAll);
        return result;
    }
}
