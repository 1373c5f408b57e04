package org.opencrm.events.tasks;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Required;

/**
 * A task was done. The platform's rule is that completing a task of an open deal either sets the next
 * step or closes the deal; the event records which, so analytics and the "missing next step" watch need
 * not infer it.
 *
 * @param dueAt the due time the task had, so analytics can tell on-time from late completions
 * @param outcome a short result code chosen on completion (tenant vocabulary), not a note
 * @param nextStepTaskId the task created as the next step; null if none
 * @param dealClosed true if the completion closed the deal instead of setting a next step
 */
public record TaskCompleted(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        @Required String type,
        String assigneeId,
        String departmentId,
        Instant dueAt,
        String outcome,
        String dealId,
        String contactId,
        String nextStepTaskId,
        boolean dealClosed)
        implements CrmEvent {}
