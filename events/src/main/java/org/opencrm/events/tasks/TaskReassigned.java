package org.opencrm.events.tasks;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Required;

/**
 * A task got a new assignee. Notifications tells both the previous and the new assignee, so both ids
 * travel here with the title and due time.
 *
 * @param fromAssigneeId null if the task was unassigned
 * @param title may name the client; analytics must not store it
 */
public record TaskReassigned(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        String fromAssigneeId,
        @Required String toAssigneeId,
        String departmentId,
        @Required ReassignmentReason reason,
        String title,
        Instant dueAt,
        String dealId,
        String contactId)
        implements CrmEvent {}
