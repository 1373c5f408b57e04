package org.opencrm.platform.outbox;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.springframework.data.domain.Sort;
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
