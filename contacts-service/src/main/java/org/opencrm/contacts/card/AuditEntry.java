package org.opencrm.contacts.card;

import java.time.Instant;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/** Who changed which fields of a card from what to what, and when. */
@Document("contact_audit")
record AuditEntry(
        @Id String id,
        String tenantId,
        String contactId,
        Instant at,
        String actorId,
        String action,
        List<FieldChange> changes) {}
