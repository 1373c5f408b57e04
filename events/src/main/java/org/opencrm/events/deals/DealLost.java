package org.opencrm.events.deals;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Money;
import org.opencrm.events.Required;

/**
 * A deal reached a LOST stage, through the pipeline or by closing it when completing a task. Tasks
 * cancels the deal's open tasks on it; analytics counts losses per stage and reason.
 *
 * @param stage the LOST stage the deal entered
 * @param previousStage the open stage it was lost from: where the funnel leaks
 * @param lossReason key from the tenant's loss reasons; a lost deal always has one
 * @param dealCreatedAt when the deal was opened, so the sales cycle is known without a lookup
 */
public record DealLost(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        @Required String pipelineId,
        @Required String stage,
        @Required String previousStage,
        @Required String lossReason,
        String contactId,
        String ownerId,
        String departmentId,
        Money amount,
        @Required Instant dealCreatedAt)
        implements CrmEvent {}
