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
 *
 * <p>A {@code phone_index} entry also keeps the screen-pop view of each card it names ({@code views.<card id>
 * = {v, doc}}, {@code doc} the {@link ContactView} as stored), so the screen pop reads the entry instead of the
 * cards. A view is trusted without reading the card, so it follows a stricter rule: before a save every phone
 * entry the card has or will have drops the card's view and raises {@code v} to the version being saved;
 * after the save the entries the card keeps get the new view, written only while {@code v} is not above its
 * version (a late writer of an older version changes nothing); entries the card lost drop the id and the view.
 * A crash between the steps leaves an entry without a view, which the screen pop answers from the card.
 */
@Component
class ContactIndex {

    static final String PHONES = "phone_index";
    static final String EMAILS = "email_index";
    static final String NAMES = "name_index";
    static final String CONTACT_IDS = "contactIds";
    static final String VIEWS = "views";

    // Card ids become field names in an entry; an id that could be read as a path or operator keeps no view.
    private static final java.util.regex.Pattern VIEW_KEY = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,100}");

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
        boolean inCity = data.city() != null && !data.city().isBlank();
        if (data.companyId() == null && !inCity) {
            // no scope to compare the name within: the bucket (a transliteration) is not worked out for nothing
            return keys;
        }
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
        if (inCity) {
            keys.add(tenantId + "|city:" + Names.skeleton(data.city()) + "|" + bucket);
        }
        return keys;
    }

    /**
     * Before a card's save: entries for the keys it will have; every phone entry it has or will have forgets
     * its screen-pop view, up to {@code version} (the version the save writes).
     */
    void beforeSave(String contactId, Keys before, Keys after, long version) {
        var phones = new LinkedHashSet<>(after.phones());
        phones.addAll(before.phones());
        for (String key : phones) {
            var update = withdrawView(new Update(), contactId, version);
            if (after.phones().contains(key)) {
                mongo.upsert(new Query(where("_id").is(key)), update.addToSet(CONTACT_IDS, contactId), PHONES);
            } else if (hasView(contactId)) {
                mongo.updateFirst(new Query(where("_id").is(key)), update, PHONES);
            }
        }
        change(EMAILS, after.emails(), new Update().addToSet(CONTACT_IDS, contactId), true);
        change(NAMES, after.names(), new Update().addToSet(CONTACT_IDS, contactId), true);
    }

    /**
     * After a card's save: its entries again (undoing a concurrent reader's repair that ran in between), the
     * saved card's view in its phone entries (all in one bulk write), and the entries it lost dropped.
     */
    void afterSave(Contact saved, Keys before, Keys after) {
        String contactId = saved.getId();
        if (!after.phones().isEmpty()) {
            var bulk = mongo.bulkOps(org.springframework.data.mongodb.core.BulkOperations.BulkMode.ORDERED, PHONES);
            for (String key : after.phones()) {
                bulk.upsert(new Query(where("_id").is(key)), new Update().addToSet(CONTACT_IDS, contactId));
                if (hasView(contactId)) {
                    bulk.updateOne(viewNotNewerThan(key, contactId, saved.getVersion()), setView(saved));
                }
            }
            bulk.execute();
        }
        change(EMAILS, after.emails(), new Update().addToSet(CONTACT_IDS, contactId), true);
        change(NAMES, after.names(), new Update().addToSet(CONTACT_IDS, contactId), true);
        var lost = before.minus(after);
        change(
                PHONES,
                lost.phones(),
                withdrawView(new Update().pull(CONTACT_IDS, contactId), contactId, saved.getVersion()),
                false);
        change(EMAILS, lost.emails(), new Update().pull(CONTACT_IDS, contactId), false);
        change(NAMES, lost.names(), new Update().pull(CONTACT_IDS, contactId), false);
    }

    static boolean hasView(String contactId) {
        return VIEW_KEY.matcher(contactId).matches();
    }

    /** The stored view of a card in a phone entry, or null when the entry keeps none for it. */
    static Document storedView(Document entry, String contactId) {
        if (entry.get(VIEWS) instanceof Document views
                && hasView(contactId)
                && views.get(contactId) instanceof Document slot
                && slot.get("doc") instanceof Document doc) {
            return doc;
        }
        return null;
    }

    private Update withdrawView(Update update, String contactId, long version) {
        if (!hasView(contactId)) {
            return update;
        }
        String slot = VIEWS + "." + contactId;
        return update.max(slot + ".v", version).unset(slot + ".doc");
    }

    private static Query viewNotNewerThan(String key, String contactId, long version) {
        return new Query(
                where("_id").is(key).and(VIEWS + "." + contactId + ".v").lte(version));
    }

    private Update setView(Contact saved) {
        String slot = VIEWS + "." + saved.getId();
        return new Update().set(slot + ".v", saved.getVersion()).set(slot + ".doc", viewDocument(saved));
    }

    private Document viewDocument(Contact card) {
        var document = new Document();
        mongo.getConverter().write(ContactView.of(card), document);
        document.remove("_class");
        return document;
    }

    /** A view stored by {@link #afterSave} read back, as the screen pop shows it. */
    ContactView readView(Document doc) {
        return mongo.getConverter().read(ContactView.class, doc);
    }

    /**
     * {@link #beforeSave} for many new cards (no view yet), in one bulk write per index collection; {@link
     * #afterInsertAll} follows their insert.
     */
    void addAll(java.util.Map<String, Keys> keysByContact) {
        for (String collection : List.of(PHONES, EMAILS, NAMES)) {
            var bulk = mongo.bulkOps(
                    collection.equals(PHONES)
                            ? org.springframework.data.mongodb.core.BulkOperations.BulkMode.ORDERED
                            : org.springframework.data.mongodb.core.BulkOperations.BulkMode.UNORDERED,
                    collection);
            int operations = 0;
            for (var entry : keysByContact.entrySet()) {
                String contactId = entry.getKey();
                for (String key : Duplicates.keysFor(collection, entry.getValue())) {
                    var add = new Update().addToSet(CONTACT_IDS, contactId);
                    if (collection.equals(PHONES)) {
                        withdrawView(add, contactId, 0);
                    }
                    bulk.upsert(new Query(where("_id").is(key)), add);
                    operations++;
                }
            }
            if (operations > 0) {
                bulk.execute();
            }
        }
    }

    /**
     * {@link #afterSave} for many inserted cards, with fewer writes than {@link #addAll}: each phone entry gets
     * the card's id back and its view in one conditional write (when a later save of the card raised the view's
     * version, that save adds the id itself); the e-mail and name entries are read in one go and written only
     * where a concurrent reader's repair (which saw the entry before its card existed) took the id away.
     */
    void afterInsertAll(java.util.Map<String, Keys> keysByContact, java.util.Map<String, Contact> saved) {
        var phones = mongo.bulkOps(org.springframework.data.mongodb.core.BulkOperations.BulkMode.ORDERED, PHONES);
        int operations = 0;
        for (var entry : keysByContact.entrySet()) {
            String contactId = entry.getKey();
            Contact card = saved.get(contactId);
            for (String key : entry.getValue().phones()) {
                if (card != null && card.getVersion() != null && hasView(contactId)) {
                    phones.updateOne(
                            viewNotNewerThan(key, contactId, card.getVersion()),
                            setView(card).addToSet(CONTACT_IDS, contactId));
                } else {
                    phones.upsert(new Query(where("_id").is(key)), new Update().addToSet(CONTACT_IDS, contactId));
                }
                operations++;
            }
        }
        if (operations > 0) {
            phones.execute();
        }
        for (String collection : List.of(EMAILS, NAMES)) {
            var wanted = new java.util.LinkedHashMap<String, List<String>>();
            keysByContact.forEach((contactId, keys) -> Duplicates.keysFor(collection, keys)
                    .forEach(key ->
                            wanted.computeIfAbsent(key, k -> new ArrayList<>()).add(contactId)));
            if (wanted.isEmpty()) {
                continue;
            }
            var present = idsOf(collection, wanted.keySet());
            var bulk =
                    mongo.bulkOps(org.springframework.data.mongodb.core.BulkOperations.BulkMode.UNORDERED, collection);
            int missing = 0;
            for (var entry : wanted.entrySet()) {
                var ids = present.getOrDefault(entry.getKey(), List.of());
                for (String contactId : entry.getValue()) {
                    if (!ids.contains(contactId)) {
                        bulk.upsert(
                                new Query(where("_id").is(entry.getKey())),
                                new Update().addToSet(CONTACT_IDS, contactId));
                        missing++;
                    }
                }
            }
            if (missing > 0) {
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
