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
 * {@code attempts}, {@code lastError}, {@code publishedThrough}.
 */
class PendingMarkers {

    /**
     * @param publishedThrough the highest aggregateVersion the broker acknowledged: a writer that loaded
     *     the aggregate before the relay removed published entries puts them back with its full-document
     *     save, and the relay must remove them again rather than publish them twice
     */
    record Claim(
            String markerId,
            String collection,
            String aggregateId,
            long generation,
            int attempts,
            long publishedThrough) {

        Claim publishedThrough(long version) {
            return new Claim(markerId, collection, aggregateId, generation, attempts, version);
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

    /** {@link #touch} for many aggregates of one collection in one bulk write. */
    void touchAll(String aggregateCollection, Collection<String> aggregateIds, Instant now) {
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
                            .setOnInsert("collection", aggregateCollection)
                            .setOnInsert("aggregateId", aggregateId)
                            .setOnInsert("availableAt", now)
                            .setOnInsert("attempts", 0));
        }
        bulk.execute();
    }

    /**
     * {@link #claim} for many markers in two round trips: one conditional multi-update takes the free ones for
     * {@code owner}, which must be unique to this call, and one read returns what it took.
     *
     * @return the claims by marker id, in the order of {@code markerIds}
     */
    Map<String, Claim> claimAll(Collection<String> markerIds, String owner, Instant now, Duration lease) {
        var claims = new LinkedHashMap<String, Claim>();
        if (markerIds.isEmpty()) {
            return claims;
        }
        var free = new Query(where("_id")
                .in(markerIds)
                .and("availableAt")
                .lte(now)
                .orOperator(where("lockedUntil").is(null), where("lockedUntil").lt(now)));
        var take = new Update().set("lockedBy", owner).set("lockedUntil", now.plus(lease));
        if (mongo.updateMulti(free, take, collection).getModifiedCount() == 0) {
            return claims;
        }
        var taken = new LinkedHashMap<String, Claim>();
        for (Document d : mongo.find(heldBy(markerIds, owner), Document.class, collection)) {
            taken.put(d.getString("_id"), toClaim(d));
        }
        for (String id : markerIds) {
            if (taken.containsKey(id)) {
                claims.put(id, taken.get(id));
            }
        }
        return claims;
    }

    /** {@link #reread} for many markers in one read. */
    Map<String, Claim> rereadAll(Collection<String> markerIds, String owner) {
        var result = new LinkedHashMap<String, Claim>();
        for (Document d : mongo.find(heldBy(markerIds, owner), Document.class, collection)) {
            result.put(d.getString("_id"), toClaim(d));
        }
        return result;
    }

    /** {@link #advance} for many markers in one bulk write: marker id to the version acknowledged. */
    void advanceAll(Map<String, Long> publishedThrough, String owner) {
        if (publishedThrough.isEmpty()) {
            return;
        }
        var bulk = mongo.bulkOps(BulkOperations.BulkMode.UNORDERED, collection);
        publishedThrough.forEach((markerId, through) -> bulk.updateOne(
                new Query(where("_id").is(markerId).and("lockedBy").is(owner)),
                new Update().set("publishedThrough", through)));
        bulk.execute();
    }

    /**
     * {@link #deleteIfSettled} for many claims in one bulk write, then {@link #release} of those it did not
     * delete in one multi-update.
     */
    void settleAll(Collection<Claim> claims, String owner, Instant touchedBefore) {
        if (claims.isEmpty()) {
            return;
        }
        var bulk = mongo.bulkOps(BulkOperations.BulkMode.UNORDERED, collection);
        var ids = new ArrayList<String>(claims.size());
        for (Claim claim : claims) {
            ids.add(claim.markerId());
            bulk.remove(new Query(where("_id")
                    .is(claim.markerId())
                    .and("generation")
                    .is(claim.generation())
                    .and("lockedBy")
                    .is(owner)
                    .and("touchedAt")
                    .lt(touchedBefore)));
        }
        if (bulk.execute().getDeletedCount() < claims.size()) {
            releaseAll(ids, owner);
        }
    }

    /** {@link #release} for many markers in one multi-update. */
    void releaseAll(Collection<String> markerIds, String owner) {
        if (markerIds.isEmpty()) {
            return;
        }
        mongo.updateMulti(
                heldBy(markerIds, owner),
                new Update()
                        .unset("lockedBy")
                        .unset("lockedUntil")
                        .set("attempts", 0)
                        .unset("lastError"),
                collection);
    }

    private static Query heldBy(Collection<String> markerIds, String owner) {
        return new Query(where("_id").in(markerIds).and("lockedBy").is(owner));
    }

    /** Takes the marker for this relay unless another relay holds it or it waits for a retry. */
    Optional<Claim> claim(String markerId, String relayId, Instant now, Duration lease) {
        // _id at the top level of the filter: the embedded server uses its _id index only there, and a
        // claim that scans every marker makes a large backlog quadratic.
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

    /** Markers no relay holds, ready, and untouched for the grace period: work left behind. */
    List<String> due(Instant now, Instant touchedBefore, int limit) {
        var query = new Query(new Criteria()
                        .andOperator(
                                where("availableAt").lte(now),
                                where("touchedAt").lt(touchedBefore),
                                new Criteria()
                                        .orOperator(
                                                where("lockedUntil").is(null),
                                                where("lockedUntil").lt(now))))
                .with(Sort.by("touchedAt"))
                .limit(limit);
        query.fields().include("_id");
        return mongo.find(query, Document.class, collection).stream()
                .map(d -> d.getString("_id"))
                .toList();
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
                ((Number) d.getOrDefault("publishedThrough", 0L)).longValue());
    }
}
