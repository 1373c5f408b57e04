package org.opencrm.platform.consumer;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import org.opencrm.events.CrmEvent;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/**
 * The three ways a consumer applies an event so that redelivery and replay change nothing. Each is one
 * single-document write, so the record of "applied" and the effect can never drift apart.
 *
 * <ul>
 *   <li>{@link #applyIfNewer}: a document that mirrors one aggregate (a projection of a deal) keeps the
 *       version of the last event it applied and takes only newer ones;
 *   <li>{@link #insertOnce}: an effect that is a new document gets an id derived from the event
 *       ({@link EventIds}), so a second insert is refused by the unique {@code _id};
 *   <li>{@link #applyOnce}: an update to a shared document (a counter) records the event id in the same
 *       document and is skipped when the id is already there.
 * </ul>
 */
public class IdempotentWrites {

    /** Field holding the aggregateVersion a projection last applied. */
    public static final String SOURCE_VERSION = "sourceVersion";

    /** Field holding the ids of the events already applied to a shared document. */
    public static final String APPLIED_EVENTS = "appliedEventIds";

    private final MongoTemplate mongo;

    public IdempotentWrites(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /**
     * Applies {@code update} to the document {@code id} (created if missing) unless it already reflects this
     * or a later event of the aggregate. Events of one aggregate arrive in order on one partition; this
     * makes redelivery and replay harmless.
     *
     * @return true if applied, false if the document was already at this version or newer
     */
    public boolean applyIfNewer(String collection, Object id, CrmEvent event, Update update) {
        var query = new Query(new Criteria()
                .andOperator(
                        where("_id").is(id),
                        new Criteria()
                                .orOperator(
                                        where(SOURCE_VERSION).is(null),
                                        where(SOURCE_VERSION).lt(event.aggregateVersion()))));
        return upsertOrSkip(query, update.set(SOURCE_VERSION, event.aggregateVersion()), collection);
    }

    /**
     * Inserts a document whose id was derived from the event with {@link EventIds}.
     *
     * @return true if inserted, false if an earlier delivery of the event already inserted it
     */
    public boolean insertOnce(Object document, String collection) {
        try {
            mongo.insert(document, collection);
            return true;
        } catch (DuplicateKeyException alreadyApplied) {
            return false;
        }
    }

    /**
     * Applies {@code update} to the shared document {@code id} (created if missing) once per event: the
     * event id is stored in the document with the effect. The document keeps every id it applied, so use
     * this for documents that see a bounded number of events (a deal's counters, a day's figures).
     *
     * @return true if applied, false if this event was applied before
     */
    public boolean applyOnce(String collection, Object id, CrmEvent event, Update update) {
        var query = new Query(where("_id").is(id).and(APPLIED_EVENTS).ne(event.eventId()));
        return upsertOrSkip(query, update.addToSet(APPLIED_EVENTS, event.eventId()), collection);
    }

    private boolean upsertOrSkip(Query query, Update update, String collection) {
        try {
            mongo.upsert(query, update, collection);
            return true;
        } catch (DuplicateKeyException firstTry) {
            // Either the document exists and the filter excluded it (already applied), or another writer
            // created it between our filter and our insert. Only a second try tells the two apart: now the
            // document exists, so the filter alone decides.
            try {
                mongo.upsert(query, update, collection);
                return true;
            } catch (DuplicateKeyException alreadyApplied) {
                return false;
            }
        }
    }
}
