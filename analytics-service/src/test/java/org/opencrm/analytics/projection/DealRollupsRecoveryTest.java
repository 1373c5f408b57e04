package org.opencrm.analytics.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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
                            mongo.getCollection(recovered.deals()),
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
        var deals = mongo.getCollection(contested.deals());
        for (int from = 0; from < shuffled.size(); ) {
            int to = Math.min(shuffled.size(), from + 1 + random.nextInt(30));
            List<CrmEvent> batch = shuffled.subList(from, to);
            writer.batchOf(batch, contested).flushLeavingDifferencesPending(mongo);
            List<Document> pending = pendingDeals(contested);
            Collections.shuffle(pending, random);
            int split = random.nextInt(pending.size() + 1);
            if (random.nextBoolean()) {
                DealRollups.apply(rollups, deals, pending.subList(0, split));
                DealRollups.applyAsAnotherInstance(rollups, deals, pending);
            } else {
                DealRollups.applyAsAnotherInstance(rollups, deals, pending.subList(0, split));
                DealRollups.apply(rollups, deals, pending);
            }
            writer.apply(batch, contested);
            from = to;
        }

        assertThat(pendingDeals(contested)).isEmpty();
        assertThat(figures(contested)).isNotEmpty().isEqualTo(figures(reference));
    }

    /**
     * A settled difference's marks are dropped from the rollups at their next write; a writer still holding a copy of
     * that difference from before it was settled (it read the deal, then stalled) must not apply it again where its
     * mark is gone. Without the check that a difference is still pending on its deal, this doubles the first half's
     * contributions in every rollup document the second half wrote.
     */
    @Test
    void aStaleCopyOfASettledDifferenceAppliesNothingOnceItsMarksAreDropped() {
        String tenant = "tenant-" + UUID.randomUUID();
        var random = new Random(37);
        List<CrmEvent> events = DealHistories.random(tenant, 60, random);
        var exactness = RollupExactness.prepare(writer, indexes, events);
        var reference = exactness.reference();
        var version = exactness.contested();
        var rollups = mongo.getCollection(version.rollups());
        var deals = mongo.getCollection(version.deals());
        Set<String> firstHalf = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            firstHalf.add("deal-" + i);
        }
        List<CrmEvent> first = events.stream()
                .filter(event -> firstHalf.contains(event.aggregateId()))
                .toList();
        List<CrmEvent> second = events.stream()
                .filter(event -> !firstHalf.contains(event.aggregateId()))
                .toList();

        writer.batchOf(first, version).flushLeavingDifferencesPending(mongo);
        List<Document> stale = pendingDeals(version);
        assertThat(stale).isNotEmpty();
        DealRollups.settle(deals, rollups, stale);
        long marksWhenSettled = marksOf(version, stale);
        // the second half writes many of the same documents (months, days, owners), dropping the first half's marks
        writer.apply(second, version);
        assertThat(marksOf(version, stale)).isLessThan(marksWhenSettled);

        // the stalled writers wake up with their copies
        DealRollups.apply(rollups, deals, stale);
        DealRollups.applyAsAnotherInstance(rollups, deals, stale);
        DealRollups.settle(deals, rollups, stale);
        writer.apply(events, version);

        assertThat(pendingDeals(version)).isEmpty();
        assertThat(figures(version)).isNotEmpty().isEqualTo(figures(reference));
    }

    /**
     * A batch of more documents than a merge chunk holds is read, merged and written a chunk at a time, and the
     * differences of all its chunks applied once at the end: the rollups end where one ordered pass leaves them. A
     * writer dying after writing its chunks leaves every chunk's differences pending, and the redelivery settles them.
     */
    @Test
    void aBatchMergedInChunksLeavesTheRollupsExact() {
        String tenant = "tenant-" + UUID.randomUUID();
        List<CrmEvent> events = DealHistories.random(tenant, 60, new Random(41));
        var exactness = RollupExactness.prepare(writer, indexes, events);
        var reference = exactness.reference();

        var chunked = exactness.contested();
        writer.batchOf(events, chunked).mergingAtATime(7).flush(mongo);
        assertThat(pendingDeals(chunked)).isEmpty();
        assertThat(figures(chunked)).isNotEmpty().isEqualTo(figures(reference));

        var died = new ProjectionCollections(reference.version() + 2);
        indexes.ensure(died);
        writer.batchOf(events, died).mergingAtATime(7).flushLeavingDifferencesPending(mongo);
        assertThat(pendingDeals(died)).hasSizeGreaterThan(7);
        writer.batchOf(events, died).mergingAtATime(7).flush(mongo);
        assertThat(pendingDeals(died)).isEmpty();
        assertThat(figures(died)).isEqualTo(figures(reference));
    }

    /** How many marks of these deals the rollups hold. */
    private long marksOf(ProjectionCollections version, List<Document> deals) {
        Set<String> names = new HashSet<>();
        deals.forEach(deal -> names.add(DealRollups.escape(String.valueOf(deal.get("_id")))));
        long count = 0;
        for (Document rollup : mongo.getCollection(version.rollups()).find()) {
            count += rollup.get(DealRollups.MARKS, new Document()).keySet().stream()
                    .filter(names::contains)
                    .count();
        }
        return count;
    }

    private List<Document> pendingDeals(ProjectionCollections version) {
        return mongo.getCollection(version.deals())
                .find(new Document(DealRollups.PENDING, new Document("$exists", true)))
                .into(new ArrayList<>());
    }

    /**
     * A difference that takes a document's last histogram figure back to zero removes the figure and the emptied
     * map with it: no figure stays behind, and the document is the same as one that never held a histogram.
     */
    @Test
    void aHistogramFigureBackToZeroLeavesNoHistogramMap() {
        var version = new ProjectionCollections(1_000 + new Random().nextInt(1_000_000));
        var rollups = mongo.getCollection(version.rollups());
        var facts = mongo.getCollection(version.deals());
        String rollup = "tenant-h|funnel-month|2026-03|=p1";
        String entry = "-|-|=p1|=s0|0|=OPEN";
        String histogram = DealRollups.histogramKey("0|" + entry);
        // revision 1 adds a move and its fine bucket; revision 2 another move, and takes the fine bucket away
        for (long revision = 1; revision <= 2; revision++) {
            long fine = revision == 1 ? 1 : -1;
            Document deal = new Document("_id", "deal-h")
                    .append("tenantId", "tenant-h")
                    .append(
                            DealRollups.PENDING,
                            new Document("r", revision)
                                    .append(
                                            "ops",
                                            List.of(
                                                    op(rollup, entry, new Document(FunnelRollups.EXITS, 1L)),
                                                    op(
                                                            rollup,
                                                            histogram,
                                                            new Document(FunnelRollups.BUCKET + 5, fine)))));
            facts.replaceOne(
                    new Document("_id", "deal-h"), deal, new com.mongodb.client.model.ReplaceOptions().upsert(true));
            DealRollups.applyAsAnotherInstance(rollups, facts, List.of(deal));
            assertThat(rollups.find(new Document("_id", rollup)).first().containsKey(DealRollups.HISTOGRAMS))
                    .as("a histogram map after revision " + revision)
                    .isEqualTo(revision == 1);
        }
        Document stored = rollups.find(new Document("_id", rollup)).first();
        assertThat(stored.get(DealRollups.ENTRIES))
                .isEqualTo(new Document(entry, new Document(FunnelRollups.EXITS, 2L)));
    }

    private static Document op(String rollup, String key, Document inc) {
        return new Document("id", rollup)
                .append("k", key)
                .append("dims", new Document())
                .append("inc", inc);
    }

    /** Each rollup's entries by id; rollups whose sums all went back to zero hold no figure and are left out. */
    private Map<Object, Document> figures(ProjectionCollections version) {
        Map<Object, Document> byId = new TreeMap<>();
        mongo.getCollection(version.rollups()).find().forEach(doc -> {
            // both maps: the funnel's fine histogram buckets are kept apart from its entries
            var entries = DealRollups.storedEntries(doc);
            if (!entries.isEmpty()) {
                byId.put(doc.get("_id"), new Document(entries));
            }
        });
        return byId;
    }
}
