package org.opencrm.events.deals;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Money;
import org.opencrm.events.Required;

/**
 * A deal's amount changed, by an edit or because its line items changed. Its own event because open
 * pipeline value, weighted forecasts and the screen pop's open-deal sum all move with it.
 *
 * @param previousAmount null when the deal had no amount before
 * @param amount null when the amount was cleared
 */
public record DealAmountChanged(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        @Required String pipelineId,
        @Required String stage,
        String contactId,
        String ownerId,
        String departmentId,
        Money previousAmount,
        Money amount)
        implements CrmEvent {}
