package org.opencrm.deals.lead;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.util.List;
import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * The turn counter of a department. One document per department holds the number of leads handed out and
 * the keys of the most recent ones, updated in one atomic findAndModify: a lead is counted only if its key
 * is not there yet. So a redelivered lead, or the same lead consumed by a second instance, gets the turn
 * it got the first time instead of taking the next one.
 */
@Component
class RoundRobin {

    static final String COLLECTION = "round_robin";
    /** How many recent leads a cursor remembers; redeliveries arrive long before this many new leads. */
    static final int REMEMBERED = 500;

    private final MongoTemplate mongo;

    RoundRobin(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** The 1-based turn of this lead in its department, the same on every call for the same lead. */
    long turnOf(String tenantId, String departmentId, String leadKey) {
        String id = tenantId + ":" + departmentId;
        var query = new Query(where("_id").is(id).and("recent").ne(leadKey));
        var update =
                new Update().inc("seq", 1).push("recent").slice(-REMEMBERED).each(leadKey);
        // Two tries: a first insert of the cursor can collide with another lead's first insert; on the
        // second try the cursor exists and the filter alone decides whether this lead is counted yet.
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                var counted = mongo.findAndModify(
                        query,
                        update,
                        FindAndModifyOptions.options().returnNew(true).upsert(true),
                        Document.class,
                        COLLECTION);
                if (counted != null) {
                    return position(counted, leadKey);
                }
            } catch (DuplicateKeyException collided) {
                var cursor = mongo.findById(id, Document.class, COLLECTION);
                if (cursor != null && cursor.getList("recent", String.class).contains(leadKey)) {
                    return position(cursor, leadKey); // this lead was counted already
                }
            }
        }
        var cursor = mongo.findById(id, Document.class, COLLECTION);
        return position(cursor, leadKey);
    }

    private static long position(Document cursor, String leadKey) {
        long seq = ((Number) cursor.get("seq")).longValue();
        List<String> recent = cursor.getList("recent", String.class);
        int index = recent.lastIndexOf(leadKey);
        return seq - (recent.size() - 1 - index);
    }
}
