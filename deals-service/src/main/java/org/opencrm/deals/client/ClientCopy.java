package org.opencrm.deals.client;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * What deals keeps of a client card, from contacts events: the name and address printed on documents,
 * every name the card had while deals knew it (a lead's deal is titled with the name of its day, so an
 * erasure after a rename must cut the earlier names too), the survivor of a merge, and whether the client's
 * personal data was erased. Keyed by tenant and card.
 */
@Document(ClientCopy.COLLECTION)
public record ClientCopy(
        @Id String id,
        String tenantId,
        String contactId,
        String displayName,
        String city,
        String address,
        List<String> knownNames,
        String mergedInto,
        Boolean erased) {

    public static final String COLLECTION = "clients";

    /** A card known only as a merge tombstone has no erased flag: it was not erased. */
    public boolean isErased() {
        return Boolean.TRUE.equals(erased);
    }

    /** The names to cut on erasure, longest first, so a full name goes before a part of it. */
    List<String> namesToErase() {
        var names = new LinkedHashSet<String>();
        if (displayName != null) {
            names.add(displayName);
        }
        if (knownNames != null) {
            names.addAll(knownNames);
        }
        var result = new ArrayList<>(names.stream().filter(n -> !n.isBlank()).toList());
        result.sort(Comparator.comparingInt(String::length).reversed());
        return result;
    }

    static String key(String tenantId, String contactId) {
        return tenantId + ":" + contactId;
    }
}
