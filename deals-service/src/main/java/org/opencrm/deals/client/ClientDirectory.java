package org.opencrm.deals.client;

import java.util.HashSet;
import java.util.Optional;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/** Lookups in the local copy of client cards. */
@Component
public class ClientDirectory {

    private final MongoTemplate mongo;

    ClientDirectory(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    public Optional<ClientCopy> find(String tenantId, String contactId) {
        if (contactId == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(mongo.findById(ClientCopy.key(tenantId, contactId), ClientCopy.class));
    }

    /**
     * The card a reference should point to now: a merged card's survivor (following chains of merges), or
     * the card itself.
     */
    public String current(String tenantId, String contactId) {
        String id = contactId;
        var seen = new HashSet<String>();
        while (id != null && seen.add(id)) {
            var copy = find(tenantId, id);
            if (copy.isEmpty() || copy.get().mergedInto() == null) {
                return id;
            }
            id = copy.get().mergedInto();
        }
        return id;
    }
}
