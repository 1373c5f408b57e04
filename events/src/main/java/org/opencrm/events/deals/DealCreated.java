package org.opencrm.events.deals;

import java.time.Instant;
import java.time.LocalDate;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Money;
import org.opencrm.events.Required;

/**
 * A deal was opened, by a user or from a lead. Besides ids it carries what the funnel needs to count the
 * deal as entering its first stage (stage position and probability, read from the pipeline at this
 * moment, so analytics need not follow pipeline edits) and what tasks and notifications print.
 *
 * @param stagePosition zero-based position of the stage in its pipeline; funnel order for analytics
 * @param stageProbability the stage's win probability (0-100) at this moment; weighted forecasts use it
 * @param title the deal's title. It may name the client; it is here because task titles and notifications
 *     show it. Analytics must not store it
 * @param source lead source, copied from the lead or the card: analytics' revenue per source
 * @param leadId the {@code LeadReceived} this deal was made from; deals-service keeps one deal per lead by
 *     it, analytics measures lead-to-deal conversion
 */
public record DealCreated(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        @Required String pipelineId,
        @Required String stage,
        @Required String stageKind,
        int stagePosition,
        int stageProbability,
        String title,
        String contactId,
        String companyId,
        String ownerId,
        String departmentId,
        Money amount,
        String source,
        String leadId,
        LocalDate expectedCloseDate)
        implements CrmEvent {}
