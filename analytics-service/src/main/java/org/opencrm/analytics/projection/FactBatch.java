package org.opencrm.analytics.projection;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.WriteModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Update;

/**
 * The writes of a batch of events into one projection version, collected first and then sent in a few bulk
 * commands: a handful of round trips per batch instead of three to six per event. Each kind of write keeps the
 * property that made the per-event writes exact:
 *
 * <ul>
 *   <li>facts per event ({@link #insertOnce}) are inserted unordered; a duplicate key is an earlier delivery;
 *   <li>field groups with versions ({@link #setIfNewer}) and growing sets ({@link #addToSet}) are merged into
 *       the stored document in memory, then written back with a compare-and-set on a revision number
 *       ({@code {_id, rev}}); a document another writer changed meanwhile (the live listener next to a rebuild)
 *       is read again and the batch's changes re-applied, which changes nothing that is already there.
 * </ul>
 *
 * Versioned documents are read, merged and written 1,000 at a time; the differences they carry are applied to the
 * rollups once for the whole batch ({@link #flush}).
 *
 * <p>The compare-and-set filter names exactly the keys of a unique index ({@link ProjectionIndexes}): the
 * embedded MongoDB-protocol server answers only such filters from an index (on MongoDB the {@code _id} index
 * serves it), where the former filter {@code {_id, version < v}} scanned the whole collection per write.
 */
final class FactBatch {

    static final String REVISION = "rev";
    private static final int DUPLICATE_KEY = 11000;
    private static final int ATTEMPTS = 20;
    /** Documents of one collection read, merged and written at a time (see {@link #flush}). */
    private static final int MERGE_CHUNK = 1_000;

    private final ProjectionCollections to;
    private final Map<String, List<Document>> inserts = new LinkedHashMap<>();
    private final Map<String, Map<Object, List<Change>>> versioned = new LinkedHashMap<>();
    private int mergeChunk = MERGE_CHUNK;

    FactBatch(ProjectionCollections to) {
        this.to = to;
    }

    ProjectionCollections to() {
        return to;
    }

    String deals() {
        return to.deals();
    }

    String dealHistory() {
        return to.dealHistory();
    }

    String leads() {
        return to.leads();
    }

    String interactions() {
        return to.interactions();
    }

    String calls() {
        return to.calls();
    }

    String tasks() {
        return to.tasks();
    }

    String teams() {
        return to.teams();
    }

    String clientAliases() {
        return to.clientAliases();
    }

    void insertOnce(Document fact, String collection) {
        inserts.computeIfAbsent(collection, c -> new ArrayList<>()).add(fact);
    }

    /** The fields of {@code update} unless the group already holds this or a newer event of the aggregate. */
    void setIfNewer(String collection, Object id, String versionField, long version, Update update) {
        changes(collection, id).add(new GroupSet(versionField, version, sets(update)));
    }

    /** Adds {@code value} to the set {@code field}; {@code base} fields are set when the document is new. */
    void addToSet(String collection, Object id, String field, Object value, Update base) {
        changes(collection, id).add(new AddToSet(field, value, sets(base)));
    }

    /**
     * Adds {@code value} under {@code key} to the sub-document {@code field} unless the key is there already;
     * {@code base} fields are set when the document is new.
     */
    void putOnce(String collection, Object id, String field, String key, Document value, Update base) {
        changes(collection, id).add(new PutOnce(field, key, value, sets(base)));
    }

    /**
     * Puts {@code value} under {@code key} in the sub-document {@code field} unless the key holds this or a newer
     * {@code version} already (kept in the value as {@code v}); {@code base} fields are set when the document is new.
     */
    void putIfNewer(String collection, Object id, String field, String key, long version, Document value, Update base) {
        changes(collection, id).add(new PutIfNewer(field, key, version, value, sets(base)));
    }

    boolean isEmpty() {
        return inserts.isEmpty() && versioned.isEmpty();
    }

    /** Merges this many documents of a collection at a time instead of 1,000 (tests: batches of several chunks). */
    FactBatch mergingAtATime(int documents) {
        this.mergeChunk = documents;
        return this;
    }

    void flush(MongoTemplate mongo) {
        flush(mongo, true);
    }

    /**
     * The writes as a writer that dies right after its compare-and-sets leaves them: the deals hold their
     * differences to the rollups, not yet applied. Whoever next writes those deals settles them first.
     */
    void flushLeavingDifferencesPending(MongoTemplate mongo) {
        flush(mongo, false);
    }

    private void flush(MongoTemplate mongo, boolean settle) {
        inserts.forEach((name, facts) -> {
            insertAll(mongo.getCollection(name), facts);
            if (name.equals(to.interactions()) || name.equals(to.leads())) {
                settleInserted(mongo.getCollection(name), mongo.getCollection(to.rollups()), facts, settle);
            }
        });
        for (String name : List.copyOf(versioned.keySet())) {
            var collection = mongo.getCollection(name);
            var contribution = contributionOf(name);
            var rollups = contribution == null ? null : mongo.getCollection(to.rollups());
            // The documents are read, merged and written a chunk at a time, and their differences kept only in the
            // applier's form (Due) until the whole batch's are applied at once: a rollup document is still written
            // once per batch, while the heap holds one chunk's documents and differences as the facts carry them
            // instead of the whole batch's (with 12,000-record polls, 325-365 MB of analytics-service's 512 MB heap
            // after each full collection, ~35 per bench run; bench B3, docs/analytics.md).
            var due = new DealRollups.Due();
            var chunks = chunks(versioned.remove(name), mergeChunk);
            while (!chunks.isEmpty()) {
                mergeAll(collection, chunks.removeFirst(), rollups, contribution, due);
            }
            if (settle && !due.isEmpty()) {
                DealRollups.settle(collection, rollups, due);
            }
        }
    }

    private static ArrayDeque<Map<Object, List<Change>>> chunks(Map<Object, List<Change>> byId, int size) {
        var chunks = new ArrayDeque<Map<Object, List<Change>>>();
        Map<Object, List<Change>> chunk = null;
        for (var entry : byId.entrySet()) {
            if (chunk == null || chunk.size() == size) {
                chunk = new LinkedHashMap<>();
                chunks.add(chunk);
            }
            chunk.put(entry.getKey(), entry.getValue());
        }
        return chunks;
    }

    /** What a document of this collection adds to the rollups, or null for collections feeding none. */
    private Function<Document, Map<String, Map<String, Document>>> contributionOf(String collection) {
        if (collection.equals(to.deals())) {
            return DealRollups::contribution;
        }
        if (collection.equals(to.tasks())) {
            return ActivityRollups::taskContribution;
        }
        if (collection.equals(to.calls())) {
            return ActivityRollups::callContribution;
        }
        if (collection.equals(to.clientActivity())) {
            return FirstResponses::contribution;
        }
        return null;
    }

    private List<Change> changes(String collection, Object id) {
        return versioned
                .computeIfAbsent(collection, c -> new LinkedHashMap<>())
                .computeIfAbsent(id, k -> new ArrayList<>());
    }

    private static Document sets(Update update) {
        Document set = update.getUpdateObject().get("$set", Document.class);
        return set == null ? new Document() : set;
    }

    private static void insertAll(MongoCollection<Document> collection, List<Document> facts) {
        try {
            collection.insertMany(facts, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            if (!onlyDuplicateKeys(e)) {
                throw e;
            }
            // the others are inserted; the duplicates were inserted by an earlier delivery
        }
    }

    /**
     * The rollup differences of inserted facts (appeals, leads): this delivery's, or an earlier delivery's that its
     * writer did not get to settle (the insert then met a duplicate key), read back by {@code _id}.
     */
    private static void settleInserted(
            MongoCollection<Document> facts, MongoCollection<Document> rollups, List<Document> batch, boolean settle) {
        List<Object> ids = batch.stream()
                .filter(fact -> fact.containsKey(DealRollups.PENDING))
                .map(fact -> fact.get("_id"))
                .toList();
        if (ids.isEmpty() || !settle) {
            return;
        }
        var pending = new DealRollups.Due();
        facts.find(new Document("_id", new Document("$in", ids)))
                .projection(new Document("tenantId", 1).append(DealRollups.PENDING, 1))
                .forEach(fact -> {
                    if (fact.containsKey(DealRollups.PENDING)) {
                        pending.add(fact);
                    }
                });
        DealRollups.settle(facts, rollups, pending);
    }

    /**
     * @param rollups the rollups fed by this collection's documents ({@link DealRollups}, {@link ActivityRollups}), or
     *     null: each written document then carries its difference to the rollups, to be applied and removed after the
     *     write
     * @param contribution what one document of the collection adds to the rollups (with {@code rollups})
     * @param due where the differences the written documents carry are added, for {@link DealRollups#settle}
     */
    private static void mergeAll(
            MongoCollection<Document> collection,
            Map<Object, List<Change>> byId,
            MongoCollection<Document> rollups,
            Function<Document, Map<String, Map<String, Document>>> contribution,
            DealRollups.Due due) {
        Map<Object, List<Change>> pending = byId;
        for (int attempt = 1; ; attempt++) {
            Map<Object, Document> stored = new HashMap<>();
            collection
                    .find(new Document("_id", new Document("$in", new ArrayList<>(pending.keySet()))))
                    .forEach(doc -> stored.put(doc.get("_id"), doc));
            if (rollups != null) {
                List<Document> unsettled = stored.values().stream()
                        .filter(doc -> doc.containsKey(DealRollups.PENDING))
                        .toList();
                if (!unsettled.isEmpty()) {
                    // an earlier writer's difference, not yet (or not known to be) in the rollups: settled first,
                    // so that this batch's differences start from what the rollups hold
                    DealRollups.settle(collection, rollups, unsettled);
                    if (attempt == ATTEMPTS) {
                        throw new IllegalStateException("documents of " + collection.getNamespace()
                                + " kept changing under this batch for " + ATTEMPTS + " attempts");
                    }
                    continue;
                }
            }
            List<WriteModel<Document>> writes = new ArrayList<>();
            List<Document> toSettle = new ArrayList<>();
            long updates = 0;
            for (var entry : pending.entrySet()) {
                Document current = stored.get(entry.getKey());
                Document merged = current == null ? new Document("_id", entry.getKey()) : new Document(current);
                Document changed = new Document();
                entry.getValue().forEach(change -> change.applyTo(merged, changed));
                long revision = current == null || current.get(REVISION) == null
                        ? 1L
                        : ((Number) current.get(REVISION)).longValue() + 1;
                if (rollups != null && (current == null || !changed.isEmpty())) {
                    List<Document> difference = DealRollups.difference(contribution, current, merged);
                    if (!difference.isEmpty()) {
                        Document pendingDifference = new Document("r", revision).append("ops", difference);
                        merged.put(DealRollups.PENDING, pendingDifference);
                        changed.put(DealRollups.PENDING, pendingDifference);
                        toSettle.add(merged);
                    }
                }
                if (current == null) {
                    merged.put(REVISION, 1L);
                    writes.add(new InsertOneModel<>(merged));
                } else if (!changed.isEmpty()) {
                    changed.put(REVISION, revision);
                    writes.add(new UpdateOneModel<>(
                            new Document("_id", entry.getKey()).append(REVISION, current.get(REVISION)),
                            new Document("$set", changed)));
                    updates++;
                }
            }
            if (writes.isEmpty()) {
                return;
            }
            boolean lostARace;
            try {
                var result = collection.bulkWrite(writes, new BulkWriteOptions().ordered(false));
                lostARace = result.getMatchedCount() < updates;
            } catch (MongoBulkWriteException e) {
                if (!onlyDuplicateKeys(e)) {
                    throw e;
                }
                lostARace = true;
            }
            if (!lostARace) {
                // read only now: a new document's revision is put in place after its difference
                toSettle.forEach(due::add);
                return;
            }
            if (attempt == ATTEMPTS) {
                throw new IllegalStateException("documents of " + collection.getNamespace()
                        + " kept changing under this batch for " + ATTEMPTS + " attempts");
            }
            // Another writer changed or created some of these documents: merge every change again into what is
            // stored now. A change already written finds its version there and changes nothing.
        }
    }

    private static boolean onlyDuplicateKeys(MongoBulkWriteException e) {
        return e.getWriteConcernError() == null
                && e.getWriteErrors().stream().map(BulkWriteError::getCode).allMatch(code -> code == DUPLICATE_KEY);
    }

    private sealed interface Change permits GroupSet, AddToSet, PutOnce, PutIfNewer {
        void applyTo(Document document, Document changed);
    }

    /** A field group with the aggregate version that set it: taken only from a newer event. */
    private record GroupSet(String versionField, long version, Document fields) implements Change {
        @Override
        public void applyTo(Document document, Document changed) {
            Object stored = document.get(versionField);
            if (stored != null && ((Number) stored).longValue() >= version) {
                return;
            }
            fields.forEach((name, value) -> set(document, changed, name, value));
            set(document, changed, versionField, version);
        }
    }

    /** A set that only grows, on a document whose identifying fields are set when it is created. */
    private record AddToSet(String field, Object value, Document base) implements Change {
        @Override
        public void applyTo(Document document, Document changed) {
            base.forEach((name, v) -> {
                if (!document.containsKey(name)) {
                    set(document, changed, name, v);
                }
            });
            List<Object> values = new ArrayList<>(document.getList(field, Object.class, List.of()));
            if (!values.contains(value)) {
                values.add(value);
                set(document, changed, field, values);
            }
        }
    }

    /** A sub-document whose keys, once added, never change (a deal's timeline by event version). */
    private record PutOnce(String field, String key, Document value, Document base) implements Change {
        @Override
        public void applyTo(Document document, Document changed) {
            base.forEach((name, v) -> {
                if (!document.containsKey(name)) {
                    set(document, changed, name, v);
                }
            });
            Document stored = document.get(field, Document.class);
            if (stored == null || !stored.containsKey(key)) {
                Document grown = stored == null ? new Document() : new Document(stored);
                grown.put(key, value);
                set(document, changed, field, grown);
            }
        }
    }

    /** A sub-document whose entries carry a version and take only a newer one (a call as client documents see it). */
    private record PutIfNewer(String field, String key, long version, Document value, Document base) implements Change {
        @Override
        public void applyTo(Document document, Document changed) {
            base.forEach((name, v) -> {
                if (!document.containsKey(name)) {
                    set(document, changed, name, v);
                }
            });
            Document stored = document.get(field, Document.class);
            Document current = stored == null ? null : stored.get(key, Document.class);
            if (current == null || ((Number) current.get("v")).longValue() < version) {
                Document grown = stored == null ? new Document() : new Document(stored);
                grown.put(key, new Document(value).append("v", version));
                set(document, changed, field, grown);
            }
        }
    }

    private static void set(Document document, Document changed, String name, Object value) {
        if (!document.containsKey(name) || !Objects.equals(document.get(name), value)) {
            document.put(name, value);
            changed.put(name, value);
        }
    }
}
