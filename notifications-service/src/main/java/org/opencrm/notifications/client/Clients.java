package org.opencrm.notifications.client;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import org.opencrm.events.CrmEvent;
import org.opencrm.events.contacts.ContactErased;
import org.opencrm.events.contacts.ContactsMerged;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * What this service remembers about clients: who was erased (never messaged again, whatever a segment
 * says), who unsubscribed from which channel, and which merged card now lives on as which survivor.
 */
@Component
public class Clients {

    static final String COLLECTION = "client_flags";

    private final MongoTemplate mongo;

    Clients(MongoTemplate mongo) {
        this.mongo = mongo;
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

    boolean unsubscribed(String tenantId, String contactId, String channel) {
        return mongo.exists(
                new Query(where("_id")
                        .is(id(tenantId, contactId))
                        .and("unsubscribed")
                        .is(channel)),
                COLLECTION);
    }

    void unsubscribe(String tenantId, String contactId, String channel) {
        mongo.upsert(
                new Query(where("_id").is(id(tenantId, contactId))),
                new Update().set("tenantId", tenantId).addToSet("unsubscribed", channel),
                COLLECTION);
    }

    private static String id(String tenantId, String contactId) {
        return tenantId + ":" + contactId;
    }
}
