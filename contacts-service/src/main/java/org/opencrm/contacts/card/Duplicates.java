package org.opencrm.contacts.card;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.opencrm.platform.consumer.IdempotentWrites;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * Finds the cards a card duplicates: the same phone (E.164) or e-mail (case-folded), or a name alike across
 * scripts ({@link Names}) within the same company or city. Reads only the purpose-built index documents
 * and the cards they name, each by {@code _id}.
 */
@Component
class Duplicates {

    static final double NAME_THRESHOLD = 0.85;

    private final MongoTemplate mongo;
    private final ContactIndex index;
    private final IdempotentWrites writes;

    Duplicates(MongoTemplate mongo, ContactIndex index, IdempotentWrites writes) {
        this.mongo = mongo;
        this.index = index;
        this.writes = writes;
    }

    /** Live cards {@code data} would duplicate, except {@code self} and pairs already recorded for review. */
    List<DuplicateMatch> find(String tenantId, String self, ContactData data) {
        return find(tenantId, self, data, this::verified, true);
    }

    /**
     * The same check against cards {@code lookup} names per index entry ({@code (collection, key) -> cards});
     * an import answers it from entries it read for a whole batch, plus the cards the batch creates.
     */
    List<DuplicateMatch> find(
            String tenantId,
            String self,
            ContactData data,
            java.util.function.BiFunction<String, String, List<Contact>> lookup,
            boolean skipKnownPairs) {
        var reasons = new LinkedHashMap<String, Set<String>>();
        var keys = ContactIndex.keysOf(tenantId, data, true);
        for (String key : keys.phones()) {
            for (Contact other : lookup.apply(ContactIndex.PHONES, key)) {
                if (other.phones().stream().anyMatch(p -> key.endsWith("|" + p.number()))) {
                    reasons.computeIfAbsent(other.getId(), id -> new LinkedHashSet<>())
                            .add("phone:" + key.substring(tenantId.length() + 1));
                }
            }
        }
        for (String key : keys.emails()) {
            for (Contact other : lookup.apply(ContactIndex.EMAILS, key)) {
                if (other.emails().contains(key.substring(tenantId.length() + 1))) {
                    reasons.computeIfAbsent(other.getId(), id -> new LinkedHashSet<>())
                            .add("email:" + key.substring(tenantId.length() + 1));
                }
            }
        }
        for (String key : keys.names()) {
            for (Contact other : lookup.apply(ContactIndex.NAMES, key)) {
                nameReason(data, other.data())
                        .ifPresent(reason -> reasons.computeIfAbsent(other.getId(), id -> new LinkedHashSet<>())
                                .add(reason));
            }
        }
        reasons.remove(self);
        var matches = new ArrayList<DuplicateMatch>();
        reasons.forEach((id, why) -> {
            if (self == null || !skipKnownPairs || !known(tenantId, self, id)) {
                matches.add(new DuplicateMatch(id, List.copyOf(why), score(why)));
            }
        });
        matches.sort(Comparator.comparingDouble(DuplicateMatch::score).reversed());
        return matches;
    }

    static java.util.Optional<String> nameReason(ContactData a, ContactData b) {
        if (a.kind() != b.kind() || Names.similarity(a.displayName(), b.displayName()) < NAME_THRESHOLD) {
            return java.util.Optional.empty();
        }
        if (a.companyId() != null && a.companyId().equals(b.companyId())) {
            return java.util.Optional.of("name:same-company");
        }
        if (a.city() != null && b.city() != null && Names.skeleton(a.city()).equals(Names.skeleton(b.city()))) {
            return java.util.Optional.of("name:same-city");
        }
        return java.util.Optional.empty();
    }

    static double score(Collection<String> reasons) {
        double miss = 1;
        for (String reason : reasons) {
            miss *= reason.startsWith("name:") ? 0.4 : 0.1;
        }
        return Math.round((1 - miss) * 100) / 100.0;
    }

    /** Records the pairs for review; an existing record of a pair is kept as it is. */
    void record(String tenantId, String contactId, List<DuplicateMatch> matches, String origin) {
        for (DuplicateMatch match : matches) {
            boolean ordered = contactId.compareTo(match.contactId()) < 0;
            writes.insertOnce(
                    new DuplicateCandidate(
                            DuplicateCandidate.idOf(tenantId, contactId, match.contactId()),
                            tenantId,
                            ordered ? contactId : match.contactId(),
                            ordered ? match.contactId() : contactId,
                            match.score(),
                            match.reasons(),
                            origin,
                            Instant.now()),
                    mongo.getCollectionName(DuplicateCandidate.class));
        }
    }

    void forget(String tenantId, String one, String other) {
        var candidate = mongo.findById(DuplicateCandidate.idOf(tenantId, one, other), DuplicateCandidate.class);
        if (candidate != null) {
            mongo.remove(candidate);
        }
    }

    private boolean known(String tenantId, String one, String other) {
        return mongo.findById(DuplicateCandidate.idOf(tenantId, one, other), DuplicateCandidate.class) != null;
    }

    /** The live cards an index entry names; ids no card backs any more are dropped from the entry. */
    List<Contact> verified(String collection, String key) {
        return verified(collection, key, index.ids(collection, key));
    }

    /** {@link #verified(String, String)} for ids already read from the entry. */
    List<Contact> verified(String collection, String key, List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<String, Contact> cards = new LinkedHashMap<>();
        mongo.find(
                        new org.springframework.data.mongodb.core.query.Query(
                                org.springframework.data.mongodb.core.query.Criteria.where("_id")
                                        .in(ids)),
                        Contact.class)
                .forEach(c -> cards.put(c.getId(), c));
        var result = new ArrayList<Contact>();
        for (String id : ids) {
            Contact card = cards.get(id);
            boolean backed = card != null
                    && keysFor(collection, ContactIndex.keysOf(card)).contains(key);
            if (backed) {
                result.add(card);
            } else if (card == null || card.mergingInto() == null) {
                // A card mid-merge keeps its entries until the merge is finished or abandoned.
                index.repair(collection, key, id);
            }
        }
        return result.stream().filter(Objects::nonNull).toList();
    }

    static Set<String> keysFor(String collection, ContactIndex.Keys keys) {
        return switch (collection) {
            case ContactIndex.PHONES -> keys.phones();
            case ContactIndex.EMAILS -> keys.emails();
            default -> keys.names();
        };
    }
}
