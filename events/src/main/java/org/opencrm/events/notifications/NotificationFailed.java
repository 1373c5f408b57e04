package org.opencrm.events.notifications;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Required;

/**
 * A delivery was given up: retries are exhausted, the address is invalid or the webhook subscription was
 * disabled. Emitted once, when the delivery becomes FAILED, not per attempt. Published for audits and
 * integrations; the reason is a code, never an exception text, which could carry addresses.
 *
 * @param reason e.g. {@code RETRIES_EXHAUSTED}, {@code INVALID_ADDRESS}, {@code WEBHOOK_DISABLED}
 */
public record NotificationFailed(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        String sourceEventId,
        String sourceEventType,
        String campaignId,
        @Required NotificationChannel channel,
        @Required RecipientKind recipientKind,
        @Required String recipientId,
        int attempts,
        @Required String reason)
        implements CrmEvent {}
