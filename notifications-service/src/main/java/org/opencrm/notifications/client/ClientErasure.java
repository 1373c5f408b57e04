package org.opencrm.notifications.client;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.bson.Document;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.events.notifications.RecipientKind;
import org.opencrm.notifications.delivery.Delivery;
import org.opencrm.notifications.delivery.DeliveryStatus;
import org.opencrm.platform.privacy.ClientNames;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Cuts an erased client out of everything this service stored: the addresses, subjects and texts of
 * messages to the client, the client's details and names in webhook bodies (sent, pending or retrying), and
 * the client's names in employees' messages, in-app notifications and task copies.
 *
 * <p>Every write is conditional on what it read (a delivery's version, the old text), changes only what
 * still holds the client's data and never touches a delivery's lease: a redelivered or reordered erasure
 * finds nothing left and writes nothing, and a dispatcher sending a delivery meanwhile settles it on the cut
 * version (see {@code Dispatcher}) instead of writing the old one back.
 */
@Component
class ClientErasure {

    static final String ERASED = "ERASED";
    private static final String INAPP = "inapp_notifications";
    private static final String TASK_COPIES = "task_copies";
    private static final int TRIES = 5;

    private final MongoTemplate mongo;
    private final JsonMapper json;

    ClientErasure(MongoTemplate mongo, JsonMapper json) {
        this.mongo = mongo;
        this.json = json;
    }

    /**
     * @param cards the erased card and the cards merged into it (their messages were the same person's)
     * @param names every name those cards had while this service knew them
     */
    void erase(String tenantId, Set<String> cards, ClientNames names) {
        messagesToTheClient(tenantId, cards);
        deliveryTexts(tenantId, cards, names);
        if (!names.isEmpty()) {
            texts(INAPP, where("tenantId").is(tenantId), names, "subject", "body");
            texts(TASK_COPIES, where("tenantId").is(tenantId), names, "title");
        }
    }

    /**
     * A message to the client loses its address and texts; one not sent yet is never sent (SUPPRESSED,
     * {@value #ERASED}). Both updates select only what still holds something, so a second erasure matches
     * nothing; each raises the version, so a dispatcher holding an older copy cannot save it over this.
     */
    private void messagesToTheClient(String tenantId, Set<String> cards) {
        Criteria theClient = where("tenantId")
                .is(tenantId)
                .and("recipientKind")
                .is(RecipientKind.CONTACT.name())
                .and("recipientId")
                .in(cards);
        mongo.updateMulti(
                new Query(new Criteria().andOperator(theClient, where("status").is(DeliveryStatus.PENDING.name()))),
                new Update()
                        .set("status", DeliveryStatus.SUPPRESSED.name())
                        .set("reason", ERASED)
                        .inc("version", 1),
                Delivery.COLLECTION);
        mongo.updateMulti(
                new Query(new Criteria()
                        .andOperator(
                                theClient,
                                new Criteria()
                                        .orOperator(
                                                where("address").ne(null),
                                                where("subject").ne(null),
                                                where("body").ne(null)))),
                new Update().unset("address").unset("subject").unset("body").inc("version", 1),
                Delivery.COLLECTION);
    }

    /**
     * Webhook bodies of events about the client (of the client's cards, or naming one as {@code contactId}) lose
     * the client's details and names; other messages (to employees: a task titled with the client's name) lose
     * the names.
     */
    private void deliveryTexts(String tenantId, Set<String> cards, ClientNames names) {
        var query = new Query(new Criteria()
                .andOperator(
                        where("tenantId").is(tenantId), where("recipientKind").ne(RecipientKind.CONTACT.name())));
        query.fields().include("_id", "channel", "subject", "body", "version");
        for (Document found : mongo.find(query, Document.class, Delivery.COLLECTION)) {
            String id = found.getString("_id");
            Document current = found;
            for (int attempt = 1; current != null && attempt <= TRIES; attempt++) {
                boolean webhook = NotificationChannel.WEBHOOK.name().equals(current.getString("channel"));
                String subject = current.getString("subject");
                String body = current.getString("body");
                String newSubject = names.cutFrom(subject);
                String newBody = webhook ? webhookBody(body, cards, names) : names.cutFrom(body);
                if (Objects.equals(subject, newSubject) && Objects.equals(body, newBody)) {
                    break;
                }
                var update = new Update().inc("version", 1);
                // only what changed: a null field stays absent, as the dispatcher's save of the same delivery
                // leaves it
                if (!Objects.equals(subject, newSubject)) {
                    update.set("subject", newSubject);
                }
                if (!Objects.equals(body, newBody)) {
                    update.set("body", newBody);
                }
                var written = mongo.updateFirst(
                        new Query(where("_id").is(id).and("version").is(current.get("version"))),
                        update,
                        Delivery.COLLECTION);
                if (written.getModifiedCount() == 1) {
                    break;
                }
                // Claimed or settled meanwhile: read it again and cut what it holds now.
                current = mongo.findOne(new Query(where("_id").is(id)), Document.class, Delivery.COLLECTION);
            }
        }
    }

    /** The fields' texts without the names; each write only if the text is still the one read. */
    private void texts(String collection, Criteria which, ClientNames names, String... fields) {
        for (Document found : mongo.find(new Query(which), Document.class, collection)) {
            var update = new Update();
            var unchanged = where("_id").is(found.get("_id"));
            boolean changed = false;
            for (String field : fields) {
                String text = found.getString(field);
                String cut = names.cutFrom(text);
                unchanged = unchanged.and(field).is(text);
                if (!Objects.equals(text, cut)) {
                    update.set(field, cut);
                    changed = true;
                }
            }
            if (changed) {
                // A text changed meanwhile (a newer task title) is left to that newer write.
                mongo.updateFirst(new Query(unchanged), update, collection);
            }
        }
    }

    private String webhookBody(String body, Collection<String> cards, ClientNames names) {
        if (body == null) {
            return null;
        }
        JsonNode root = json.readTree(body);
        if (!(root instanceof ObjectNode envelope)
                || !(envelope.get("data") instanceof ObjectNode data)
                || !(cards.contains(data.path("aggregateId").asString(""))
                        || cards.contains(data.path("contactId").asString("")))) {
            // Not about the client: another card's event keeps its own names (a survivor's merged name may
            // contain the erased card's, and it reads the same whether it was sent before the erasure or after).
            return body;
        }
        boolean changed = scrub(data, cards, names);
        return changed ? json.writeValueAsString(envelope) : body;
    }

    /**
     * Cuts the client from an event as a webhook carries it: the details of an event of one of the client's
     * cards become empty, and the names are cut from every text. Known names may be none (an event arriving
     * after the erasure, when the names are forgotten): the details still go.
     *
     * @return whether anything changed
     */
    static boolean scrub(ObjectNode data, Collection<String> cards, ClientNames names) {
        boolean changed = false;
        if (cards.contains(data.path("aggregateId").asString(""))
                && data.get("details") instanceof ObjectNode details) {
            for (String field : List.copyOf(details.propertyNames())) {
                if (!details.get(field).isNull()) {
                    details.putNull(field);
                    changed = true;
                }
            }
        }
        return cutNames(data, names::cutFrom) || changed;
    }

    private static boolean cutNames(JsonNode node, UnaryOperator<String> cut) {
        boolean changed = false;
        if (node instanceof ObjectNode object) {
            for (String field : List.copyOf(object.propertyNames())) {
                JsonNode value = object.get(field);
                if (value.isString()) {
                    String after = cut.apply(value.stringValue());
                    if (!after.equals(value.stringValue())) {
                        object.put(field, after);
                        changed = true;
                    }
                } else {
                    changed |= cutNames(value, cut);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode value = array.get(i);
                if (value.isString()) {
                    String after = cut.apply(value.stringValue());
                    if (!after.equals(value.stringValue())) {
                        array.set(i, after);
                        changed = true;
                    }
                } else {
                    changed |= cutNames(value, cut);
                }
            }
        }
        return changed;
    }
}
