package org.opencrm.platform.outbox;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.BulkOperations;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/**
 * The small collection that says which aggregates may hold unpublished events, so recovery after a crash
 * never scans the big aggregate collections. A writer touches the marker before it writes the aggregate;
 * a relay claims it, publishes, and deletes it only when no writer touched it since the claim and the
 * last touch is older than the grace period (a writer may still be storing its events until then).
 *
 * <p>Fields: {@code _id} = {@code <collection>/<aggregateId>}, {@code generation} (+1 per touch),
 * {@code touchedAt}, {@code availableAt} (retry back-off), {@code lockedBy}, {@code lockedUntil},
 * {@code attempts}, {@code lastError}, {@code publishedThrough}, {@code batch} (the last bulk write that touched
 * it, see {@link AggregateBatchWriter}).
 */
class PendingMarkers {

    /**
     * @param publishedThrough the highest aggregateVersion the broker acknowledged: a writer that loaded
     *     the aggregate before the relay removed published entries puts them back with its full-document
     *     save, and the relay must remove them again rather than publish them twice
     * @param touchedAt the last touch as of the claim: a marker touched within the grace period cannot be deleted
     *     yet, so a relay does not even try
     */
    record Claim(
            String markerId,
            String collection,
            String aggregateId,
            long generation,
            int attempts,
            long publishedThrough,
            Instant touchedAt) {

        Claim publishedThrough(long version) {
            return new Claim(markerId, collection, aggregateId, generation, attempts, version, touchedAt);
        }
    }

    private final MongoTemplate mongo;
    private final String collection;

    PendingMarkers(MongoTemplate mongo, String collection) {
        this.mongo = mongo;
        this.collection = collection;
    }

    static String markerId(String aggregateCollection, String aggregateId) {
        return aggregateCollection + "/" + aggregateId;
    }

    void touch(String aggregateCollection, String aggregateId, Instant now) {
        var update = new Update()
                .inc("generation", 1)
                .set("touchedAt", now)
                .setOnInsert("collection", aggregateCollection)
                .setOnInsert("aggregateId", aggregateId)
                .setOnInsert("availableAt", now)
                .setOnInsert("attempts", 0);
        mongo.upsert(byId(markerId(aggregateCollection, aggregateId)), update, collection);
    }

    /*
     * The batch operations below never filter a collection of markers by a list of ids alone: the embedded
     * test database uses its _id index only for a filter on _id and nothing else, and matches an $in list
     * against every marker otherwise. They select by a field that narrows at once (the batch token, the
     * owner, the touch time), placed first, so a scan costs one comparison per marker.
     */

    /**
     * {@link #touch} for many aggregates of one collection in one bulk write, each filtered by its bare
     * {@code _id}; the markers carry {@code batch} so that {@link #claimBatch} finds them in one query.
     */
    void touchAll(String aggregateCollection, Collection<String> aggregateIds, String batch, Instant now) {
        if (aggregateIds.isEmpty()) {
            return;
        }
        var bulk = mongo.bulkOps(BulkOperations.BulkMode.UNORDERED, collection);
        for (String aggregateId : aggregateIds) {
            bulk.upsert(
                    byId(markerId(aggregateCollection, aggregateId)),
                    new Update()
                            .inc("generation", 1)
                            .set("touchedAt", now)
                            .set("batch", batch)
                            .setOnInsert("collection", aggregateCollection)
                            .setOnInsert("aggregateId", aggregateId)
                            .setOnInsert("availableAt", now)
                            .setOnInsert("attempts", 0));
        }
        bulk.execute();
    }

    /**
     * Takes the free markers of one {@link #touchAll} batch for {@code owner}, which must be unique to the
     * call: one conditional multi-update, one read of what it took.
     */
    Map<String, Claim> claimBatch(String batch, String owner, Instant now, Duration lease) {
        var free = new Query(where("batch")
                .is(batch)
                .and("availableAt")
                .lte(now)
                .orOperator(where("lockedUntil").is(null), where("lockedUntil").lt(now)));
        return take(free, owner, now, lease);
    }

    /**
     * Takes the markers left behind (no relay holds them, ready, untouched for the grace period), oldest
     * first: about {@code limit} of them, all of those touched at the same instant as the last one.
     */
    Map<String, Claim> claimDue(String owner, Instant now, Instant touchedBefore, int limit, Duration lease) {
        var newest = new Query(dueCriteria(now, touchedBefore))
                .with(Sort.by(Sort.Direction.DESC, "touchedAt"))
                .limit(1);
        var due = new Query(dueCriteria(now, touchedBefore))
                .with(Sort.by("touchedAt"))
                .skip(Math.max(0, limit - 1))
                .limit(1);
        due.fields().include("touchedAt");
        Document last = mongo.findOne(due, Document.class, collection);
        if (last == null) {
            newest.fields().include("touchedAt");
            last = mongo.findOne(newest, Document.class, collection);
            if (last == null) {
                return new LinkedHashMap<>();
            }
        }
        Instant through = last.getDate("touchedAt").toInstant();
        var free = new Query(new Criteria()
                .andOperator(
                        where("touchedAt").lte(through),
                        where("touchedAt").lt(touchedBefore),
                        where("availableAt").lte(now),
                        new Criteria()
                                .orOperator(
                                        where("lockedUntil").is(null),
                                        where("lockedUntil").lt(now))));
        return take(free, owner, now, lease);
    }

    private Map<String, Claim> take(Query free, String owner, Instant now, Duration lease) {
        var update = new Update().set("lockedBy", owner).set("lockedUntil", now.plus(lease));
        if (mongo.updateMulti(free, update, collection).getModifiedCount() == 0) {
            return new LinkedHashMap<>();
        }
        return held(owner);
    }

    /** The markers {@code owner} holds, as they are now: {@link #reread} for a whole batch. */
    Map<String, Claim> held(String owner) {
        return held(new Query(where("lockedBy").is(owner)));
    }

    /**
     * {@link #held(String)} among the markers {@code markerIds}, the ones the owner claimed: selected by {@code _id}
     * first, so MongoDB and the test kit's backend answer it from the {@code _id} index whatever the number of
     * markers waiting out their grace period.
     */
    Map<String, Claim> held(String owner, Collection<String> markerIds) {
        return held(new Query(where("_id").in(markerIds).and("lockedBy").is(owner)));
    }

    private Map<String, Claim> held(Query query) {
        var result = new LinkedHashMap<String, Claim>();
        for (Document d : mongo.find(query, Document.class, collection)) {
            result.put(d.getString("_id"), toClaim(d));
        }
        return result;
    }

    /**
     * Takes those of the markers {@code markerIds} that no relay holds and that wait for no retry, for {@code owner}
     * (unique to the call): {@link #claim} for the markers a relay was nudged about, in one conditional multi-update
     * and one read by {@code _id}.
     */
    Map<String, Claim> claimAll(Collection<String> markerIds, String owner, Instant now, Duration lease) {
        if (markerIds.isEmpty()) {
            return new LinkedHashMap<>();
        }
        var free = new Query(where("_id")
                .in(markerIds)
                .and("availableAt")
                .lte(now)
                .orOperator(where("lockedUntil").is(null), where("lockedUntil").lt(now)));
        var update = new Update().set("lockedBy", owner).set("lockedUntil", now.plus(lease));
        if (mongo.updateMulti(free, update, collection).getModifiedCount() == 0) {
            return new LinkedHashMap<>();
        }
        return held(owner, markerIds);
    }

    /**
     * {@link #advance} for many markers in one bulk write: marker id to the version acknowledged. Each
     * statement filters by the bare {@code _id}, and {@code $max} keeps the watermark from going back: what
     * the broker acknowledged stays true whoever holds the marker now.
     */
    void advanceAll(Map<String, Long> publishedThrough) {
        if (publishedThrough.isEmpty()) {
            return;
        }
        var bulk = mongo.bulkOps(BulkOperations.BulkMode.UNORDERED, collection);
        publishedThrough.forEach(
                (markerId, through) -> bulk.updateOne(byId(markerId), new Update().max("publishedThrough", through)));
        bulk.execute();
    }

    /**
     * {@link #deleteIfSettled} for many claims of {@code owner}, then {@link #release} of everything it still
     * holds: one multi-delete per generation among the claims (nearly always one), one multi-update.
     */
    void settleAll(Collection<Claim> claims, String owner, Instant touchedBefore) {
        var byGeneration = new LinkedHashMap<Long, List<String>>();
        for (Claim claim : claims) {
            if (claim.touchedAt() != null && !claim.touchedAt().isBefore(touchedBefore)) {
                continue; // touched within the grace period: not deletable yet (a freshly nudged marker)
            }
            byGeneration
                    .computeIfAbsent(claim.generation(), g -> new ArrayList<>())
                    .add(claim.markerId());
        }
        for (var generation : byGeneration.entrySet()) {
            var settled = new Query(where("lockedBy")
                    .is(owner)
                    .and("generation")
                    .is(generation.getKey())
                    .and("touchedAt")
                    .lt(touchedBefore)
                    .and("_id")
                    .in(generation.getValue()));
            mongo.remove(settled, collection);
        }
        releaseAll(owner, claims.stream().map(Claim::markerId).toList());
    }

    /** {@link #release} of every marker {@code owner} holds, in one multi-update. */
    void releaseAll(String owner) {
        releaseAll(new Query(where("lockedBy").is(owner)));
    }

    /** {@link #releaseAll(String)} when the owner claimed only {@code markerIds}: selected by {@code _id} first. */
    void releaseAll(String owner, Collection<String> markerIds) {
        releaseAll(new Query(where("_id").in(markerIds).and("lockedBy").is(owner)));
    }

    private void releaseAll(Query query) {
        mongo.updateMulti(
                query,
                new Update()
                        .unset("lockedBy")
                        .unset("lockedUntil")
                        .set("attempts", 0)
                        .unset("lastError"),
                collection);
    }

    /** Takes the marker for this relay unless another relay holds it or it waits for a retry. */
    Optional<Claim> claim(String markerId, String relayId, Instant now, Duration lease) {
        // MongoDB answers this from the _id index. The embedded server (mongo-java-server 1.47) uses its _id
        // index only for a filter on _id alone, so here it scans the markers: cheap while few are pending,
        // which is why bulk writers go through AggregateBatchWriter and claim whole batches instead.
        var query = new Query(where("_id")
                .is(markerId)
                .and("availableAt")
                .lte(now)
                .orOperator(where("lockedUntil").is(null), where("lockedUntil").lt(now)));
        var update = new Update().set("lockedBy", relayId).set("lockedUntil", now.plus(lease));
        Document claimed = mongo.findAndModify(
                query, update, FindAndModifyOptions.options().returnNew(true), Document.class, collection);
        return Optional.ofNullable(claimed).map(PendingMarkers::toClaim);
    }

    /** Re-reads a marker this relay holds, to see whether a writer touched it meanwhile. */
    Optional<Claim> reread(String markerId, String relayId) {
        var marker = mongo.findOne(
                new Query(where("_id").is(markerId).and("lockedBy").is(relayId)), Document.class, collection);
        return Optional.ofNullable(marker).map(PendingMarkers::toClaim);
    }

    /** Deletes the marker if nobody touched it since the claim and the last touch is older than the grace. */
    boolean deleteIfSettled(Claim claim, String relayId, Instant touchedBefore) {
        var query = new Query(where("_id")
                .is(claim.markerId())
                .and("generation")
                .is(claim.generation())
                .and("lockedBy")
                .is(relayId)
                .and("touchedAt")
                .lt(touchedBefore));
        return mongo.remove(query, collection).getDeletedCount() == 1;
    }

    /** Records what the broker acknowledged, before it is removed from the aggregate. */
    void advance(String markerId, String relayId, long publishedThrough) {
        mongo.updateFirst(
                new Query(where("_id").is(markerId).and("lockedBy").is(relayId)),
                new Update().set("publishedThrough", publishedThrough),
                collection);
    }

    void release(String markerId, String relayId) {
        mongo.updateFirst(
                new Query(where("_id").is(markerId).and("lockedBy").is(relayId)),
                new Update()
                        .unset("lockedBy")
                        .unset("lockedUntil")
                        .set("attempts", 0)
                        .unset("lastError"),
                collection);
    }

    void releaseForRetry(String markerId, String relayId, Instant retryAt, String error) {
        mongo.updateFirst(
                new Query(where("_id").is(markerId).and("lockedBy").is(relayId)),
                new Update()
                        .unset("lockedBy")
                        .unset("lockedUntil")
                        .set("availableAt", retryAt)
                        .inc("attempts", 1)
                        .set("lastError", error),
                collection);
    }

    private static Criteria dueCriteria(Instant now, Instant touchedBefore) {
        return new Criteria()
                .andOperator(
                        where("availableAt").lte(now),
                        where("touchedAt").lt(touchedBefore),
                        new Criteria()
                                .orOperator(
                                        where("lockedUntil").is(null),
                                        where("lockedUntil").lt(now)));
    }

    long count() {
        return mongo.estimatedCount(collection);
    }

    /** When the oldest pending marker was last touched: how far publishing lags behind writing. */
    Optional<Instant> oldestTouch() {
        var query = new Query().with(Sort.by("touchedAt")).limit(1);
        query.fields().include("touchedAt");
        return Optional.ofNullable(mongo.findOne(query, Document.class, collection))
                .map(d -> d.getDate("touchedAt").toInstant());
    }

    void ensureIndexes() {
        var indexes = mongo.indexOps(collection);
        indexes.createIndex(new Index().on("touchedAt", Sort.Direction.ASC));
        // The batch operations select by these (the embedded test database ignores both; MongoDB needs them).
        indexes.createIndex(new Index().on("lockedBy", Sort.Direction.ASC).sparse());
        indexes.createIndex(new Index().on("batch", Sort.Direction.ASC).sparse());
    }

    private static Query byId(String id) {
        return new Query(where("_id").is(id));
    }

    private static Claim toClaim(Document d) {
        return new Claim(
                d.getString("_id"),
                d.getString("collection"),
                d.getString("aggregateId"),
                ((Number) d.get("generation")).longValue(),
                ((Number) d.getOrDefault("attempts", 0)).intValue(),
                ((Number) d.getOrDefault("publishedThrough", 0L)).longValue(),
                d.getDate("touchedAt") == null ? null : d.getDate("touchedAt").toInstant());
    }
}
