package org.opencrm.contacts.card;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * Purpose-built lookup documents, each read by {@code _id} (the embedded database has no secondary indexes,
 * and on MongoDB an {@code _id} read is the cheapest there is):
 *
 * <ul>
 *   <li>{@code phone_index} {@code {_id: "tenant|+E164", contactIds}}: screen pop and duplicate checks;
 *   <li>{@code email_index} {@code {_id: "tenant|address"}}: duplicate checks;
 *   <li>{@code name_index} {@code {_id: "tenant|scope|key"}}: cards of one company or city whose name
 *       starts alike, for fuzzy duplicate checks.
 * </ul>
 *
 * <p>Without multi-document transactions the index and the cards can disagree after a crash, so the rule
 * is: entries are added <em>before</em> the card is saved and removed <em>after</em>, and every read
 * verifies each id against the card (and repairs a stale entry). An index may thus name a card that does
 * not carry the key, never miss one that does.
 */
@Component
class ContactIndex {

    static final String PHONES = "phone_index";
    static final String EMAILS = "email_index";
    static final String NAMES = "name_index";
    static final String CONTACT_IDS = "contactIds";

    private final MongoTemplate mongo;

    ContactIndex(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** The index keys of a card as it is (none when archived or merged away). */
    record Keys(Set<String> phones, Set<String> emails, Set<String> names) {

        static final Keys NONE = new Keys(Set.of(), Set.of(), Set.of());

        Keys minus(Keys other) {
            return new Keys(without(phones, other.phones), without(emails, other.emails), without(names, other.names));
        }

        private static Set<String> without(Set<String> a, Set<String> b) {
            var result = new LinkedHashSet<>(a);
            result.removeAll(b);
            return result;
        }
    }

    static Keys keysOf(String tenantId, ContactData data, boolean live) {
        if (!live) {
            return Keys.NONE;
        }
        var phones = new LinkedHashSet<String>();
        data.phones().forEach(p -> phones.add(tenantId + "|" + p.number()));
        var emails = new LinkedHashSet<String>();
        data.emails().forEach(e -> emails.add(tenantId + "|" + e));
        return new Keys(phones, emails, nameKeys(tenantId, data));
    }

    static Keys keysOf(Contact contact) {
        return keysOf(contact.getTenantId(), contact.data(), contact.isLive());
    }

    /** One key per scope the card's name is compared within: its company and its city. */
    static Set<String> nameKeys(String tenantId, ContactData data) {
        var keys = new LinkedHashSet<String>();
        String word = data.kind() == ContactKind.COMPANY
                ? data.name()
                : (data.lastName() != null && !data.lastName().isBlank() ? data.lastName() : data.firstName());
        String bucket = Names.bucketKey(word);
        if (bucket.isEmpty()) {
            return keys;
        }
        if (data.companyId() != null) {
            keys.add(tenantId + "|company:" + data.companyId() + "|" + bucket);
        }
        if (data.city() != null && !data.city().isBlank()) {
            keys.add(tenantId + "|city:" + Names.skeleton(data.city()) + "|" + bucket);
        }
        return keys;
    }

    void add(String contactId, Keys keys) {
        change(PHONES, keys.phones(), new Update().addToSet(CONTACT_IDS, contactId), true);
        change(EMAILS, keys.emails(), new Update().addToSet(CONTACT_IDS, contactId), true);
        change(NAMES, keys.names(), new Update().addToSet(CONTACT_IDS, contactId), true);
    }

    /** {@link #add} for many cards in one bulk write per index collection. */
    void addAll(java.util.Map<String, Keys> keysByContact) {
        for (String collection : List.of(PHONES, EMAILS, NAMES)) {
            var bulk =
                    mongo.bulkOps(org.springframework.data.mongodb.core.BulkOperations.BulkMode.UNORDERED, collection);
            int operations = 0;
            for (var entry : keysByContact.entrySet()) {
                for (String key : Duplicates.keysFor(collection, entry.getValue())) {
                    bulk.upsert(new Query(where("_id").is(key)), new Update().addToSet(CONTACT_IDS, entry.getKey()));
                    operations++;
                }
            }
            if (operations > 0) {
                bulk.execute();
            }
        }
    }

    /** The entries of many keys of one index collection in one read: key to the ids it names, unverified. */
    java.util.Map<String, List<String>> idsOf(String collection, Collection<String> keys) {
        var result = new java.util.HashMap<String, List<String>>();
        if (keys.isEmpty()) {
            return result;
        }
        for (Document document : mongo.find(new Query(where("_id").in(keys)), Document.class, collection)) {
            result.put(document.getString("_id"), document.getList(CONTACT_IDS, String.class, List.of()));
        }
        return result;
    }

    void remove(String contactId, Keys keys) {
        change(PHONES, keys.phones(), new Update().pull(CONTACT_IDS, contactId), false);
        change(EMAILS, keys.emails(), new Update().pull(CONTACT_IDS, contactId), false);
        change(NAMES, keys.names(), new Update().pull(CONTACT_IDS, contactId), false);
    }

    /** The ids an index entry names, unverified. */
    List<String> ids(String collection, String key) {
        var document = mongo.findById(key, Document.class, collection);
        return document == null ? List.of() : document.getList(CONTACT_IDS, String.class, List.of());
    }

    /** Drops an id the card no longer backs (the trace of a crash between a write and its clean-up). */
    void repair(String collection, String key, String contactId) {
        mongo.updateFirst(new Query(where("_id").is(key)), new Update().pull(CONTACT_IDS, contactId), collection);
    }

    /** Entries naming two or more cards, for the background duplicate scan. */
    List<Document> shared(String collection, String tenantId) {
        var query = new Query(where("_id")
                .regex("^" + java.util.regex.Pattern.quote(tenantId + "|"))
                .and(CONTACT_IDS + ".1")
                .exists(true));
        return new ArrayList<>(mongo.find(query, Document.class, collection));
    }

    private void change(String collection, Collection<String> keys, Update update, boolean upsert) {
        for (String key : keys) {
            var query = new Query(where("_id").is(key));
            if (upsert) {
                mongo.upsert(query, update, collection);
            } else {
                mongo.updateFirst(query, update, collection);
            }
        }
    }
}
