package org.opencrm.events.tasks;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Required;

/**
 * A task passed its due time while open; emitted once per due time. Notifications alerts the assignee
 * and the head of {@code departmentId}'s team (heads come from {@code TeamUpdated}); analytics computes
 * the overdue rate. If the task stays open, a {@link TaskReassigned} follows.
 *
 * @param title may name the client; analytics must not store it
 */
public record TaskOverdue(
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
