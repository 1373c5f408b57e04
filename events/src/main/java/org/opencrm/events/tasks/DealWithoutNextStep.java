package org.opencrm.events.tasks;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Required;

/**
 * An open deal has no open task: the defect the product is built to point out. Published by tasks-service,
 * which is the only service that knows, on its own topic; deals-service's topic carries only what
 * deals-service decides.
 *
 * <p>The aggregate is tasks-service's follow-up record of the deal: {@code aggregateId} is the deal id
 * (so the deal's alerts stay ordered) and {@code aggregateVersion} counts that record's changes, not the
 * deal's. Emitted once per episode: again only after the deal had an open task in between.
 *
 * @param since when the deal's last open task was completed or cancelled (or the deal opened without
 *     one), so the owner's notification can say how long it has been waiting
 * @param lastTaskId the task whose end started the episode; null if the deal never had one
 */
public record DealWithoutNextStep(
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
        String lastTaskId,
        @Required Instant since)
        implements CrmEvent {}
