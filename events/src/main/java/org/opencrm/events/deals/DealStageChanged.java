package org.opencrm.events.deals;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Money;
import org.opencrm.events.Required;

/**
 * A deal moved from one stage of its pipeline to another: the event the rest of the platform reacts to.
 * Automation creates the next stage's tasks, notifications tell the team, analytics builds the funnel.
 * A move into a WON or LOST stage is followed by {@link DealWon} or {@link DealLost}, a move out of one by
 * {@link DealReopened}; the funnel needs only this event.
 *
 * <p>It carries owner, department, client, amount and stage positions as they are at the move, so each
 * consumer can act on it alone, without keeping a copy of the deal or the pipeline.
 *
 * @param toStageKind {@code OPEN}, {@code WON} or {@code LOST}
 * @param comment the mover's comment, shown on the client's timeline. Free text that may mention the
 *     client: analytics must not store it
 * @param lossReason key from the tenant's loss reasons, set when {@code toStageKind} is {@code LOST}
 * @param fromStagePosition zero-based position of {@code fromStage} in the pipeline, so analytics can tell
 *     a forward move from a step back without knowing the pipeline
 * @param toStageProbability win probability (0-100) of the new stage, for the weighted forecast
 * @param secondsInPreviousStage how long the deal sat in {@code fromStage}, measured by deals-service so
 *     that every consumer reports the same time in stage
 */
public record DealStageChanged(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        @Required String pipelineId,
        @Required String fromStage,
        @Required String toStage,
        @Required String toStageKind,
        String ownerId,
        String departmentId,
        String comment,
        String lossReason,
        String contactId,
        @Required String fromStageKind,
        int fromStagePosition,
        int toStagePosition,
        int toStageProbability,
        Money amount,
        long secondsInPreviousStage)
        implements CrmEvent {}
