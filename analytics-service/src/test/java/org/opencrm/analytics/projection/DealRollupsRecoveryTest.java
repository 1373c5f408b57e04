package org.opencrm.analytics.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.opencrm.analytics.DealHistories;
import org.opencrm.analytics.RollupExactness;
import org.opencrm.events.CrmEvent;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * A writer that dies between writing a deal and settling its difference to the rollups, or part-way through
 * settling it, leaves the rollups exact once its batch is delivered again: every difference is applied once,
 * none twice, none lost.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseTestInfrastructure
class DealRollupsRecoveryTest {

    @Autowired
    FactWriter writer;

    @Autowired
    ProjectionIndexes indexes;

    @Autowired
    MongoTemplate mongo;

    @Test
    void writersDyingBeforeOrWhileSettlingLeaveTheRollupsExactAfterRedelivery() {
        String tenant = "tenant-" + UUID.randomUUID();
        var random = new Random(11);
        List<CrmEvent> events = DealHistories.random(tenant, 60, random);
        var exactness = RollupExactness.prepare(writer, indexes, events);
        var reference = exactness.reference();
        var recovered = exactness.contested();

        List<CrmEvent> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, random);
        int deaths = 0;
        for (int from = 0; from < shuffled.size(); ) {
            int to = Math.min(shuffled.size(), from + 1 + random.nextInt(30));
            List<CrmEvent> batch = shuffled.subList(from, to);
            // the batch's writer dies once or twice before its offsets are committed...
            for (int death = random.nextInt(3); death > 0; death--) {
                writer.batchOf(batch, recovered).flushLeavingDifferencesPending(mongo);
                if (random.nextBoolean()) {
                    // ...after applying some of the pending differences to the rollups, not removing them
                    List<Document> pending = pendingDeals(recovered);
                    DealRollups.apply(
                            mongo.getCollection(recovered.rollups()),
                            pending.subList(0, random.nextInt(pending.size() + 1)));
                }
                deaths++;
            }
            // ...and the batch is delivered again
            writer.apply(batch, recovered);
            from = to;
        }

        assertThat(deaths).isGreaterThan(10);
        assertThat(pendingDeals(recovered)).isEmpty();
        assertThat(figures(recovered)).isNotEmpty().isEqualTo(figures(reference));
    }

    /**
     * Another instance applying differences to the same rollups changes documents this JVM's applier keeps from its
     * last write: its next compare-and-set on them matches nothing, it reads them again, and nothing is lost or
     * applied twice (each deal's pending difference is applied by both, in either order, then settled again).
     */
    @Test
    void anotherInstanceWritingTheRollupsMeanwhileLeavesThemExact() {
        String tenant = "tenant-" + UUID.randomUUID();
        var random = new Random(23);
        List<CrmEvent> events = DealHistories.random(tenant, 60, random);
        var exactness = RollupExactness.prepare(writer, indexes, events);
        var reference = exactness.reference();
        var contested = exactness.contested();

        List<CrmEvent> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, random);
        var rollups = mongo.getCollection(contested.rollups());
        for (int from = 0; from < shuffled.size(); ) {
            int to = Math.min(shuffled.size(), from + 1 + random.nextInt(30));
            List<CrmEvent> batch = shuffled.subList(from, to);
            writer.batchOf(batch, contested).flushLeavingDifferencesPending(mongo);
            List<Document> pending = pendingDeals(contested);
            Collections.shuffle(pending, random);
            int split = random.nextInt(pending.size() + 1);
            if (random.nextBoolean()) {
                DealRollups.apply(rollups, pending.subList(0, split));
                DealRollups.applyAsAnotherInstance(rollups, pending);
            } else {
                DealRollups.applyAsAnotherInstance(rollups, pending.subList(0, split));
                DealRollups.apply(rollups, pending);
            }
            writer.apply(batch, contested);
            from = to;
        }

        assertThat(pendingDeals(contested)).isEmpty();
        assertThat(figures(contested)).isNotEmpty().isEqualTo(figures(reference));
    }

    private List<Document> pendingDeals(ProjectionCollections version) {
        return mongo.getCollection(version.deals())
                .find(new Document(DealRollups.PENDING, new Document("$exists", true)))
                .into(new ArrayList<>());
    }

    /** Each rollup's entries by id; rollups whose sums all went back to zero hold no figure and are left out. */
    private Map<Object, Document> figures(ProjectionCollections version) {
        Map<Object, Document> byId = new TreeMap<>();
        mongo.getCollection(version.rollups()).find().forEach(doc -> {
            Document entries = doc.get(DealRollups.ENTRIES, Document.class);
            if (!entries.isEmpty()) {
                byId.put(doc.get("_id"), entries);
            }
        });
        return byId;
    }
}
