package org.opencrm.events.deals;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Money;
import org.opencrm.events.Required;

/**
 * A deal reached a WON stage. Separate from {@link DealStageChanged} because many consumers care only
 * about outcomes (revenue, win rate, the team's congratulation) and should not decode stage kinds.
 *
 * @param stage the WON stage the deal entered
 * @param previousStage the open stage it was won from
 * @param dealCreatedAt when the deal was opened, so the sales cycle is known without a lookup
 */
public record DealWon(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        @Required String pipelineId,
        @Required String stage,
        @Required String previousStage,
        String contactId,
        String ownerId,
        String departmentId,
        Money amount,
        @Required Instant dealCreatedAt)
        implements CrmEvent {}
