package org.opencrm.events.deals;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Required;

/**
 * A deal got another owner and possibly another department. Visibility follows the owner and department,
 * so every service holding a copy of the deal (timelines, screen pop, analytics scopes) must move it.
 */
public record DealReassigned(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        @Required String pipelineId,
        String contactId,
        String fromOwnerId,
        @Required String toOwnerId,
        String fromDepartmentId,
        String toDepartmentId)
        implements CrmEvent {}
