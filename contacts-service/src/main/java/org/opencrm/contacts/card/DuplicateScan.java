package org.opencrm.contacts.card;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Finds duplicates among existing cards (imports, cards from before a rule, cards created with
 * {@code allowDuplicate}) for the review list. It reads only the index documents that name two or more cards,
 * so its cost follows the number of suspicious keys, not of cards. Recording a pair is an insert keyed by the
 * pair, so two instances scanning at once record it once.
 */
@Component
class DuplicateScan {

    private static final Logger log = LoggerFactory.getLogger(DuplicateScan.class);

    private final MongoTemplate mongo;
    private final ContactIndex index;
    private final Duplicates duplicates;

    DuplicateScan(MongoTemplate mongo, ContactIndex index, Duplicates duplicates) {
        this.mongo = mongo;
        this.index = index;
        this.duplicates = duplicates;
    }

    @Scheduled(
            initialDelayString = "${crm.contacts.duplicate-scan-interval:PT1H}",
            fixedDelayString = "${crm.contacts.duplicate-scan-interval:PT1H}")
    void scanAll() {
        for (String tenantId : mongo.findDistinct("tenantId", Contact.class, String.class)) {
            int found = scanTenant(tenantId);
            log.info("duplicate scan of tenant {} recorded {} candidate pairs", tenantId, found);
        }
    }

    int scanTenant(String tenantId) {
        Map<String, Set<String>> reasonsByPair = new LinkedHashMap<>();
        Map<String, String[]> pairs = new LinkedHashMap<>();
        for (String collection : List.of(ContactIndex.PHONES, ContactIndex.EMAILS, ContactIndex.NAMES)) {
            for (Document entry : index.shared(collection, tenantId)) {
                String key = entry.getString("_id");
                List<Contact> cards = duplicates.verified(collection, key);
                for (int i = 0; i < cards.size(); i++) {
                    for (int j = i + 1; j < cards.size(); j++) {
                        Contact a = cards.get(i);
                        Contact b = cards.get(j);
                        String reason = switch (collection) {
                            case ContactIndex.PHONES -> "phone:" + key.substring(tenantId.length() + 1);
                            case ContactIndex.EMAILS -> "email:" + key.substring(tenantId.length() + 1);
                            default -> Duplicates.nameReason(a.data(), b.data()).orElse(null);
                        };
                        if (reason != null) {
                            String pair = DuplicateCandidate.idOf(tenantId, a.getId(), b.getId());
                            pairs.put(pair, new String[] {a.getId(), b.getId()});
                            reasonsByPair
                                    .computeIfAbsent(pair, p -> new LinkedHashSet<>())
                                    .add(reason);
                        }
                    }
                }
            }
        }
        int recorded = 0;
        for (var pair : pairs.entrySet()) {
            var reasons = new ArrayList<>(reasonsByPair.get(pair.getKey()));
            if (mongo.findById(pair.getKey(), DuplicateCandidate.class) == null) {
                duplicates.record(
                        tenantId,
                        pair.getValue()[0],
                        List.of(new DuplicateMatch(pair.getValue()[1], reasons, Duplicates.score(reasons))),
                        "SCAN");
                recorded++;
            }
        }
        return recorded;
    }
}
