package org.opencrm.contacts.card;

import java.time.Instant;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A pair of cards that may be one client, for review. {@code _id} is {@code tenant|a|b} with {@code a < b},
 * so a pair is recorded once however often it is found.
 *
 * @param origin {@code ALLOWED} when a user created or changed a card despite the match, {@code SCAN} when
 *     the background scan found it
 */
@Document("duplicate_candidates")
record DuplicateCandidate(
        @Id String id,
        String tenantId,
        String contactA,
        String contactB,
        double score,
        List<String> reasons,
        String origin,
        Instant foundAt) {

    static String idOf(String tenantId, String one, String other) {
        return one.compareTo(other) < 0 ? tenantId + "|" + one + "|" + other : tenantId + "|" + other + "|" + one;
    }
}
