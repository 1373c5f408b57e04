package org.opencrm.events.contacts;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Direction;
import org.opencrm.events.Required;

/**
 * An entry was added to a client's history. Analytics counts activity per rep and first-response time
 * from it, automation rules trigger on it (e.g. per appeal topic). The summary and the appeal's free text
 * stay in contacts-service: they are what the client said, and no consumer needs them.
 *
 * @param interactedAt when the interaction happened, which may be well before it was logged
 *     ({@code occurredAt})
 * @param userId the employee who had the interaction; may differ from the actor who logged it
 * @param departmentId the card's department at logging time, for analytics scoping
 * @param outcome a short result code from the tenant's vocabulary (e.g. {@code reached}), not a note
 * @param appealTopic key of the topic in the tenant's appeal taxonomy; only for {@code APPEAL}
 * @param callId the call aggregate ({@code crm.calls.v1}) a CALL entry was logged from, so consumers
 *     counting calls from both topics can count each call once
 */
public record InteractionLogged(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        @Required String interactionId,
        @Required InteractionType type,
        Direction direction,
        @Required Instant interactedAt,
        Long durationSeconds,
        String channel,
        String outcome,
        String userId,
        String departmentId,
        String dealId,
        String appealTopic,
        String callId)
        implements CrmEvent {}
