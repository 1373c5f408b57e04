package org.opencrm.events.tasks;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Required;

/**
 * A task's due time is near (the tenant configures how near). Notifications reminds the assignee; it
 * carries the title and due time so the reminder needs no lookup.
 *
 * @param title may name the client; analytics must not store it
 */
public record TaskDueSoon(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        String title,
        String assigneeId,
        String departmentId,
        @Required Instant dueAt,
        String priority,
        String dealId,
        String contactId)
        implements CrmEvent {}
