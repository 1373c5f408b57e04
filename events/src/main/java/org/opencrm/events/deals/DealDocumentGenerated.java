package org.opencrm.events.deals;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Required;

/**
 * A PDF was rendered for a deal from a template, by a user or on entering a stage. Integrations use it
 * (through webhooks) to fetch invoices; the client's timeline lists it. The file itself stays in
 * deals-service and is fetched by {@code documentId}: a rendered document is full of personal data.
 *
 * @param stage the stage whose entry triggered the rendering; null when a user asked for it
 */
public record DealDocumentGenerated(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        @Required String documentId,
        @Required String templateId,
        @Required DocumentKind documentKind,
        String stage,
        String contactId,
        String ownerId,
        String departmentId)
        implements CrmEvent {}
