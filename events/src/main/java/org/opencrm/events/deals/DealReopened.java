package org.opencrm.events.deals;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Money;
import org.opencrm.events.Required;

/**
 * A won or lost deal was explicitly reopened. Consumers that closed something on {@link DealWon} or
 * {@link DealLost} (open-deal counters, the "missing next step" watch) undo it here. The move back to an
 * open stage is also published as a {@link DealStageChanged}, so the funnel needs only that.
 *
 * @param fromStage the WON or LOST stage the deal left
 * @param toStage the open stage it is in now
 */
public record DealReopened(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        @Required String pipelineId,
        @Required String fromStage,
        @Required String toStage,
        String contactId,
        String ownerId,
        String departmentId,
        Money amount)
        implements CrmEvent {}
