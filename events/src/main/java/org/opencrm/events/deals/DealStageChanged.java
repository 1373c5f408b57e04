package org.opencrm.events.deals;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;

/** A deal moved from one stage of its pipeline to another. Tasks, notifications and analytics react to it. */
public record DealStageChanged(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        String pipelineId,
        String fromStage,
        String toStage,
        String toStageKind,
        String ownerId,
        String departmentId,
        String comment,
        String lossReason)
        implements CrmEvent {}
