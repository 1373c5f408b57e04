package org.opencrm.notifications.inapp;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Instant;
import java.util.List;
import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

@Component
class InAppStore {

    private static final String SEQUENCES = "inapp_sequences";

    private final MongoTemplate mongo;

    InAppStore(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /**
     * Stores the notification under the delivery's id. A sequence number is drawn first; a crash between
     * drawing and storing leaves a gap, which streams skip.
     *
     * @return false if it was already stored
     */
    boolean store(
            String id,
            String tenantId,
            String userId,
            String topic,
            String sourceEventId,
            String subject,
            String body,
            Instant at) {
        if (mongo.exists(new Query(where("_id").is(id)), InAppNotification.class)) {
            return false;
        }
        var counter = mongo.findAndModify(
                new Query(where("_id").is(tenantId + ":" + userId)),
                new Update().inc("seq", 1L),
                FindAndModifyOptions.options().upsert(true).returnNew(true),
                Document.class,
                SEQUENCES);
        long seq = ((Number) counter.get("seq")).longValue();
        try {
            mongo.insert(
                    new InAppNotification(id, tenantId, userId, seq, topic, sourceEventId, subject, body, at, null));
            return true;
        } catch (DuplicateKeyException alreadyStored) {
            return false;
        }
    }

    long lastSeq(String tenantId, String userId) {
        var counter = mongo.findById(tenantId + ":" + userId, Document.class, SEQUENCES);
        return counter == null ? 0 : ((Number) counter.get("seq")).longValue();
    }

    List<InAppNotification> after(String tenantId, String userId, long seq, int limit) {
        return mongo.find(
                new Query(where("tenantId")
                                .is(tenantId)
                                .and("userId")
                                .is(userId)
                                .and("seq")
                                .gt(seq))
                        .with(Sort.by("seq"))
                        .limit(limit),
                InAppNotification.class);
    }

    List<InAppNotification> list(
            String tenantId, String userId, boolean unreadOnly, org.springframework.data.domain.Pageable page) {
        var query = new Query(where("tenantId").is(tenantId).and("userId").is(userId));
        if (unreadOnly) {
            query.addCriteria(where("readAt").is(null));
        }
        return mongo.find(query.with(Sort.by(Sort.Direction.DESC, "seq")).with(page), InAppNotification.class);
    }

    /** @return false when the user has no such notification */
    boolean markRead(String tenantId, String userId, String id, Instant at) {
        var own = new Query(
                where("_id").is(id).and("tenantId").is(tenantId).and("userId").is(userId));
        if (!mongo.exists(own, InAppNotification.class)) {
            return false;
        }
        mongo.updateFirst(
                own.addCriteria(where("readAt").is(null)), new Update().set("readAt", at), InAppNotification.class);
        return true;
    }

    long markAllRead(String tenantId, String userId, Instant at) {
        return mongo.updateMulti(
                        new Query(where("tenantId")
                                .is(tenantId)
                                .and("userId")
                                .is(userId)
                                .and("readAt")
                                .is(null)),
                        new Update().set("readAt", at),
                        InAppNotification.class)
                .getModifiedCount();
    }
}
