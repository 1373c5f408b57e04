package org.opencrm.deals.document;

import java.time.Instant;
import org.opencrm.events.deals.DocumentKind;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.mongodb.core.mapping.Document;

/** A tenant's HTML template for invoices, contracts or quotes, with {@code {{placeholders}}}. */
@Document("document_templates")
record DocumentTemplate(
        @Id String id,
        String tenantId,
        DocumentKind kind,
        String name,
        String html,
        Instant updatedAt,
        @Version Long version) {}
