package org.opencrm.tasks.contact;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.opencrm.platform.privacy.ClientNames;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * Merged cards and their survivors, and the client names task titles use. A merged card's events can
 * arrive after the merge (another partition), so whatever names a card goes through {@link #survivor}.
 */
@Component
public class ContactMerges {

    static final String MERGES = "contact_merges";
    static final String NAMES = "contact_names";

    private final MongoTemplate mongo;

    ContactMerges(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** The card that stands for {@code contactId} now: itself, or the survivor of its merges. */
    public String survivor(String tenantId, String contactId) {
        String current = contactId;
        // A survivor can itself be merged later; the chain is short, the bound only guards against a cycle.
        for (int hops = 0; current != null && hops < 10; hops++) {
            var merge = mongo.findById(current, Document.class, MERGES);
            if (merge == null || !tenantId.equals(merge.getString("tenantId"))) {
                return current;
            }
            current = merge.getString("survivorId");
        }
        return current;
    }

    /** Every name the card had while tasks knew it. */
    public ClientNames knownNames(String tenantId, String contactId) {
        var names = mongo.findById(contactId, Document.class, NAMES);
        if (names == null || !tenantId.equals(names.getString("tenantId"))) {
            return ClientNames.none();
        }
        return ClientNames.of(names.getString("displayName"), names.getList(ClientNames.FIELD, String.class));
    }

    /** The cards merged into {@code contactId}, directly or through other merges. */
    List<String> mergedInto(String tenantId, String contactId) {
        var found = new ArrayList<String>();
        var next = new ArrayDeque<>(List.of(contactId));
        while (!next.isEmpty() && found.size() < 100) {
            String survivor = next.poll();
            var query =
                    new Query(where("tenantId").is(tenantId).and("survivorId").is(survivor));
            for (var merge : mongo.find(query, Document.class, MERGES)) {
                String card = merge.getString("_id");
                if (!found.contains(card) && !card.equals(contactId)) {
                    found.add(card);
                    next.add(card);
                }
            }
        }
        return found;
    }

    /** Adds names to the card's (a merged card's, whose tasks it took over); never to an erased card's. */
    void remember(String tenantId, String contactId, ClientNames names) {
        if (names.isEmpty()) {
            return;
        }
        try {
            mongo.upsert(
                    new Query(where("_id").is(contactId).and("erased").ne(true)),
                    ClientNames.remember(
                            new Update().set("tenantId", tenantId), names.all().toArray(String[]::new)),
                    NAMES);
            sortNames(contactId);
        } catch (DuplicateKeyException erased) {
            // the card was erased: no name of it is kept again
        }
    }

    /** Names in the order they came in differ between deliveries of the same events; sorted, they do not. */
    void sortNames(String contactId) {
        mongo.updateFirst(new Query(where("_id").is(contactId)), ClientNames.sortRemembered(), NAMES);
    }

    public Optional<String> displayName(String tenantId, String contactId) {
        if (contactId == null) {
            return Optional.empty();
        }
        var names = mongo.findById(survivor(tenantId, contactId), Document.class, NAMES);
        if (names == null || !tenantId.equals(names.getString("tenantId"))) {
            return Optional.empty();
        }
        return Optional.ofNullable(names.getString("displayName"));
    }
}
