package org.opencrm.events.deals;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Required;

/**
 * Any other edit of a deal: title, client, company, source, expected close date, custom values. Stage,
 * amount and owner changes never appear here, they have their own events. It carries the current values
 * rather than a diff so that copies of the deal (timelines, screen-pop counts per client, task titles)
 * converge by keeping the highest {@code aggregateVersion}; a changed {@code contactId} moves the deal to
 * another client's timeline and screen pop.
 *
 * @param changedFields names of the fields this edit touched, never their values
 * @param title may name the client; analytics must not store it
 */
public record DealUpdated(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        @Required List<String> changedFields,
        @Required String pipelineId,
        String title,
        String contactId,
        String companyId,
        String ownerId,
        String departmentId,
        String source,
        LocalDate expectedCloseDate)
        implements CrmEvent {}
