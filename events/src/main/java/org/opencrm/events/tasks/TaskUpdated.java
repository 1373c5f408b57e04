package org.opencrm.events.tasks;

import java.time.Instant;
import java.util.List;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Required;

/**
 * A task's details changed (title, type, due time, priority, links). A new assignee is a
 * {@link TaskReassigned}, never this. Carries current values, not a diff, so copies converge by keeping
 * the highest {@code aggregateVersion}; a moved due time re-arms the due-soon and overdue alerts.
 *
 * @param changedFields names of the fields this change touched, never their values
 * @param title may name the client; analytics must not store it
 */
public record TaskUpdated(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        @Required List<String> changedFields,
        String title,
        String type,
        Instant dueAt,
        String priority,
        String dealId,
        String contactId)
        implements CrmEvent {}
