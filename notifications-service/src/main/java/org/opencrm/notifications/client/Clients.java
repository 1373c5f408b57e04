package org.opencrm.notifications.client;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bson.Document;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.contacts.ContactCreated;
import org.opencrm.events.contacts.ContactDetails;
import org.opencrm.events.contacts.ContactErased;
import org.opencrm.events.contacts.ContactUpdated;
import org.opencrm.events.contacts.ContactsMerged;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.platform.privacy.ClientNames;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * What this service remembers about clients: who was erased (never messaged again, whatever a segment
 * says), who unsubscribed from which channel ({@link OptOut}), which merged card now lives on as which
 * survivor, and, until an erasure cuts them out ({@link ClientErasure}), every name a card had.
 */
@Component
public class Clients {

    static final String COLLECTION = "client_flags";

    private final MongoTemplate mongo;
    private final Clock clock;
    private final ClientErasure erasure;

    Clients(MongoTemplate mongo, Clock clock, ClientErasure erasure) {
        this.mongo = mongo;
        this.clock = clock;
        this.erasure = erasure;
    }

    public void apply(CrmEvent event) {
        switch (event) {
            case ContactCreated e -> remember(e.tenantId(), e.aggregateId(), ClientNames.of(displayName(e.details())));
            case ContactUpdated e -> remember(e.tenantId(), e.aggregateId(), ClientNames.of(displayName(e.details())));
            case ContactErased e -> erase(e);
            case ContactsMerged m -> {
                mongo.upsert(
                        new Query(where("_id").is(id(m.tenantId(), m.mergedContactId()))),
                        new Update().set("tenantId", m.tenantId()).set("mergedInto", m.aggregateId()),
                        COLLECTION);
                // The survivor is the merged card's person too: an erasure of it cuts the merged card's names.
                remember(
                        m.tenantId(),
                        m.aggregateId(),
                        names(m.tenantId(), m.mergedContactId()).with(displayName(m.details())));
            }
            default -> {}
        }
    }

    /**
     * Cuts the client (the card and the cards merged into it) out of what this service stored, then forgets
     * the names: a failure in between is retried while the names are still known. The erased flag is
     * written first, so nothing sent to the client is queued meanwhile.
     */
    private void erase(ContactErased e) {
        mongo.upsert(
                new Query(where("_id").is(id(e.tenantId(), e.aggregateId()))),
                new Update().set("tenantId", e.tenantId()).set("erased", true),
                COLLECTION);
        var cards = new LinkedHashSet<String>();
        cards.add(e.aggregateId());
        cards.addAll(mergedInto(e.tenantId(), e.aggregateId()));
        var names = ClientNames.none();
        for (String card : cards) {
            names = names.with(names(e.tenantId(), card));
        }
        erasure.erase(e.tenantId(), cards, names);
        for (String card : cards) {
            mongo.updateFirst(
                    new Query(where("_id")
                            .is(id(e.tenantId(), card))
                            .and(ClientNames.FIELD)
                            .exists(true)),
                    new Update().unset(ClientNames.FIELD),
                    COLLECTION);
        }
        // An erased card merged earlier into another: its names leave the survivors' too, so a survivor holds
        // the same names whether the merge came before the erasure or after it.
        var flag = mongo.findById(id(e.tenantId(), e.aggregateId()), Document.class, COLLECTION);
        for (int hops = 0; flag != null && flag.getString("mergedInto") != null && hops < 10; hops++) {
            String survivor = id(e.tenantId(), flag.getString("mergedInto"));
            if (!names.isEmpty()) {
                mongo.updateFirst(
                        new Query(where("_id").is(survivor)),
                        new Update().pullAll(ClientNames.FIELD, names.all().toArray()),
                        COLLECTION);
            }
            flag = mongo.findById(survivor, Document.class, COLLECTION);
        }
    }

    /**
     * Keeps the names a card had, for a later erasure to cut them from texts (task titles name the client).
     * Never for an erased card, also when an older event of it arrives late, nor for a card merged into an
     * erased one.
     */
    private void remember(String tenantId, String contactId, ClientNames names) {
        if (names.isEmpty()) {
            return;
        }
        // A late rename of a merged card goes to its survivor too (and to that one's; the chain is short, the
        // bound only guards against a cycle): the survivor is the card an erasure will name.
        var chain = new ArrayList<String>();
        for (String card = contactId; card != null && chain.size() < 10; ) {
            var flag = mongo.findById(id(tenantId, card), Document.class, COLLECTION);
            if (flag != null && Boolean.TRUE.equals(flag.getBoolean("erased"))) {
                return;
            }
            chain.add(card);
            card = flag == null ? null : flag.getString("mergedInto");
        }
        for (String card : chain) {
            try {
                mongo.upsert(
                        new Query(where("_id")
                                .is(id(tenantId, card))
                                .and("erased")
                                .ne(true)),
                        ClientNames.remember(
                                new Update().set("tenantId", tenantId),
                                names.all().toArray(String[]::new)),
                        COLLECTION);
                // names in the order they came in differ between deliveries of the same events; sorted, they do not
                mongo.updateFirst(
                        new Query(where("_id").is(id(tenantId, card))), ClientNames.sortRemembered(), COLLECTION);
            } catch (DuplicateKeyException erasedMeanwhile) {
                // erased since it was read: its names are not kept again
            }
        }
    }

    private ClientNames names(String tenantId, String contactId) {
        var flag = mongo.findById(id(tenantId, contactId), Document.class, COLLECTION);
        return flag == null ? ClientNames.none() : ClientNames.of(flag.getList(ClientNames.FIELD, String.class));
    }

    private static String displayName(ContactDetails details) {
        return details == null ? null : details.displayName();
    }

    /**
     * An event of an erased card, as a webhook will carry it: without the card's details. An event arriving
     * after the erasure (a late or replayed one) so does not bring them back into a stored body.
     */
    public void scrubIfErased(String tenantId, ObjectNode data) {
        String card = data.path("aggregateId").asString("");
        if (!card.isEmpty() && erased(tenantId, card)) {
            ClientErasure.scrub(data, Set.of(card), ClientNames.none());
        }
    }

    public boolean erased(String tenantId, String contactId) {
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
