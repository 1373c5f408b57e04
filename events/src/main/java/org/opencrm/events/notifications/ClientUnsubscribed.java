package org.opencrm.events.notifications;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Required;

/**
 * A client followed the unsubscribe link of a marketing message and withdrew their consent for that
 * channel. The aggregate is the client's opt-out for the channel (one per tenant, contact and channel), so a
 * second click records nothing. contacts-service withdraws the card's consent from it; the event carries no
 * address, only the card's id.
 *
 * @param contactId the client card the message was sent to
 * @param channel EMAIL or SMS
 */
public record ClientUnsubscribed(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        @Required String contactId,
        @Required NotificationChannel channel)
        implements CrmEvent {}
