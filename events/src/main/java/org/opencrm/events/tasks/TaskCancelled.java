package org.opencrm.events.tasks;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Required;

/**
 * A task will not be done: cancelled by a user, or because its deal was closed or its client erased.
 * Consumers drop it from "open tasks" views and alert schedules; analytics does not count it as done.
 *
 * @param reason why, as a code: {@code MANUAL}, {@code DEAL_CLOSED}, {@code CONTACT_ERASED} or another
 *     tasks-service value
 */
public record TaskCancelled(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        @Required String reason,
        String assigneeId,
        String departmentId,
        String dealId,
        String contactId)
        implements CrmEvent {}
