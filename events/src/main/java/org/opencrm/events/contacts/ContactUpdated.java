package org.opencrm.events.contacts;

import java.time.Instant;
import java.util.List;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Required;

/**
 * A card's fields changed. It carries the current values of everything other services copy (owner,
 * department, company, details) rather than a diff, so a consumer that missed an event, or reads them
 * out of order after a rebalance, still converges by keeping the highest {@code aggregateVersion}.
 *
 * @param changedFields names of the card fields this change touched (e.g. {@code phones},
 *     {@code cf.budget}), never their values: enough for the timeline and for consumers to ignore changes
 *     they do not care about
 * @param importId set when an import row with the MERGE policy updated an existing card
 */
public record ContactUpdated(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        @Required List<String> changedFields,
        String ownerId,
        String departmentId,
        String companyId,
        String importId,
        ContactDetails details)
        implements CrmEvent {}
