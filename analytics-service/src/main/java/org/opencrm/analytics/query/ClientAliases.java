package org.opencrm.analytics.query;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.opencrm.analytics.projection.ProjectionCollections;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;

/** Merged clients of a tenant: a merged card's pseudonym counts as its survivor's. */
final class ClientAliases {

    private final Map<String, String> survivorOf = new HashMap<>();

    private ClientAliases() {}

    static ClientAliases load(MongoTemplate mongo, ProjectionCollections facts, String tenantId) {
        var aliases = new ClientAliases();
        for (Document alias :
                mongo.find(new Query(where("tenantId").is(tenantId)), Document.class, facts.clientAliases())) {
            aliases.survivorOf.put(alias.getString("mergedKey"), alias.getString("survivorKey"));
        }
        return aliases;
    }

    /** The survivor at the end of a chain of merges (a card merged into one later merged itself). */
    String canonical(String key) {
        String current = key;
        Set<String> seen = new HashSet<>();
        while (current != null && survivorOf.containsKey(current) && seen.add(current)) {
            current = survivorOf.get(current);
        }
        return current;
    }

    /** Every pseudonym that resolves to one of the given clients. */
    Collection<String> allKeysOf(Set<String> canonicalKeys) {
        Set<String> keys = new HashSet<>(canonicalKeys);
        survivorOf.keySet().stream()
                .filter(k -> canonicalKeys.contains(canonical(k)))
                .forEach(keys::add);
        return keys;
    }
}
