package org.opencrm.deals.client;

import java.util.List;
import org.opencrm.platform.privacy.ClientNames;
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

    /** The names to cut on erasure: the current one and every earlier one. */
    ClientNames namesToErase() {
        return ClientNames.of(displayName, knownNames);
    }

    static String key(String tenantId, String contactId) {
        return tenantId + ":" + contactId;
    }
}
