package org.opencrm.tasks.contact;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
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

    /** Every name the card had while tasks knew it, longest first (so a full name is cut before a part of it). */
    public List<String> knownNames(String tenantId, String contactId) {
        var names = mongo.findById(contactId, Document.class, NAMES);
        if (names == null || !tenantId.equals(names.getString("tenantId"))) {
            return List.of();
        }
        var all = new LinkedHashSet<String>();
        if (names.getString("displayName") != null) {
            all.add(names.getString("displayName"));
        }
        var known = names.getList("knownNames", String.class);
        if (known != null) {
            all.addAll(known);
        }
        var sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return sorted;
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
