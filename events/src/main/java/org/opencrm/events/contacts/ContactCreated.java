package org.opencrm.events.contacts;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Required;

/**
 * A client card was created: by a user, by lead intake, by the telephony webhook or by an import row.
 * Imports emit one of these per created row rather than one summary event, so every consumer keeps a
 * single code path for "a card exists"; {@code importId} lets a consumer skip per-card work (welcome
 * notifications) during a bulk load.
 *
 * @param kind {@code PERSON} or {@code COMPANY}
 * @param source the lead source the card was created from (tenant vocabulary, e.g. {@code website}),
 *     which analytics attributes deals and revenue to
 * @param details name and address: see {@link ContactDetails} for why they travel at all
 */
public record ContactCreated(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        @Required String kind,
        String ownerId,
        String departmentId,
        String source,
        String companyId,
        String importId,
        ContactDetails details)
        implements CrmEvent {}
