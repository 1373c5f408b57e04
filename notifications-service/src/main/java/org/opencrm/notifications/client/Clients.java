package org.opencrm.notifications.client;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.contacts.ContactErased;
import org.opencrm.events.contacts.ContactsMerged;
import org.opencrm.events.notifications.NotificationChannel;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * What this service remembers about clients: who was erased (never messaged again, whatever a segment
 * says), who unsubscribed from which channel ({@link OptOut}), and which merged card now lives on as
 * which survivor.
 */
@Component
public class Clients {

    static final String COLLECTION = "client_flags";

    private final MongoTemplate mongo;
    private final Clock clock;

    Clients(MongoTemplate mongo, Clock clock) {
        this.mongo = mongo;
        this.clock = clock;
    }

    public void apply(CrmEvent event) {
        switch (event) {
            case ContactErased e -> {
                mongo.upsert(
                        new Query(where("_id").is(id(e.tenantId(), e.aggregateId()))),
                        new Update().set("tenantId", e.tenantId()).set("erased", true),
                        COLLECTION);
                // Erasure removes what we hold about the client: addresses and texts of their messages.
                mongo.updateMulti(
                        new Query(where("tenantId")
                                .is(e.tenantId())
                                .and("recipientKind")
                                .is("CONTACT")
                                .and("recipientId")
                                .is(e.aggregateId())),
                        new Update().set("address", null).set("subject", null).set("body", null),
                        "deliveries");
            }
            case ContactsMerged m ->
                mongo.upsert(
                        new Query(where("_id").is(id(m.tenantId(), m.mergedContactId()))),
                        new Update().set("tenantId", m.tenantId()).set("mergedInto", m.aggregateId()),
                        COLLECTION);
            default -> {}
        }
    }

    boolean erased(String tenantId, String contactId) {
        return mongo.exists(
                new Query(where("_id").is(id(tenantId, contactId)).and("erased").is(true)), COLLECTION);
    }

    /**
     * The cards merged into this one, directly or through other merges (a person's earlier cards): their
     * history, such as this year's birthday greeting, is this card's history.
     */
    List<String> mergedInto(String tenantId, String contactId) {
        var found = new ArrayList<String>();
        var next = new ArrayDeque<String>(List.of(contactId));
        while (!next.isEmpty() && found.size() < 100) {
            String survivor = next.poll();
            for (Document flag : mongo.find(
                    new Query(where("tenantId").is(tenantId).and("mergedInto").is(survivor)),
                    Document.class,
                    COLLECTION)) {
                String id = flag.getString("_id").substring(tenantId.length() + 1);
                if (!found.contains(id) && !id.equals(contactId)) {
                    found.add(id);
                    next.add(id);
                }
            }
        }
        return found;
    }

    boolean unsubscribed(String tenantId, String contactId, String channel) {
        return mongo.exists(
                new Query(where("_id").is(OptOut.idOf(tenantId, contactId, NotificationChannel.valueOf(channel)))),
                OptOut.class);
    }

    /**
     * Records the client's withdrawal for the channel once; the opt-out's {@code ClientUnsubscribed} tells
     * contacts-service. A second click (or a second instance serving it) meets the unique id and does nothing.
     */
    void unsubscribe(String tenantId, String contactId, String channel) {
        try {
            mongo.insert(OptOut.create(tenantId, contactId, NotificationChannel.valueOf(channel), clock.instant()));
        } catch (DuplicateKeyException alreadyWithdrawn) {
            // recorded before: nothing more to tell
        }
    }

    private static String id(String tenantId, String contactId) {
        return tenantId + ":" + contactId;
    }
}
