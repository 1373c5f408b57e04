package org.opencrm.events.notifications;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Required;

/**
 * A delivery reached its channel (the SMTP server accepted the mail, the SMS provider or webhook target
 * answered 2xx, the in-app message was stored). The aggregate is the delivery: one per source event,
 * channel and recipient. Published so that audits and integrations can prove a message went out; no
 * service in the current plan consumes it. Addresses and message text stay in notifications-service.
 *
 * @param sourceEventId the event that caused the message; null for campaign and birthday messages
 * @param sourceEventType that event's {@code ce_type}
 * @param campaignId the campaign (or birthday run) that caused a client message; null otherwise
 * @param recipientId a user id, contact id or webhook subscription id, as {@code recipientKind} says
 * @param attempts how many attempts the delivery took, 1 when the first succeeded
 */
public record NotificationSent(
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
        int attempts)
        implements CrmEvent {}
