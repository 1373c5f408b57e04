package org.opencrm.contacts.lead;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * The first answer to a post with an {@code Idempotency-Key}, keyed by tenant, poster (form key or
 * integration client) and the key's hash. The lead id is fixed when the key is first seen, so even a
 * retry after a crash half-way through works on the same lead; the effects themselves are keyed by that id.
 *
 * @param requestHash the SHA-256 of the body: the same key with another body is refused
 * @param contactId filled once the lead was applied; a retry then answers the stored outcome
 */
@Document("lead_receipts")
record LeadReceipt(
        @Id String id,
        String tenantId,
        String leadId,
        String requestHash,
        String contactId,
        Boolean newContact,
        Instant createdAt,
        Instant completedAt) {}
