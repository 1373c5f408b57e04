package org.opencrm.notifications.delivery;

import java.time.Instant;
import java.util.List;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.events.notifications.RecipientKind;

/** A delivery in the delivery log; addresses and texts stay inside the service. */
public record DeliveryView(
        String id,
        String topic,
        String sourceEventId,
        String sourceEventType,
        String campaignId,
        NotificationChannel channel,
        RecipientKind recipientKind,
        String recipientId,
        DeliveryStatus status,
        String reason,
        int attempts,
        Instant createdAt,
        Instant nextAttemptAt,
        Instant settledAt,
        List<Attempt> log) {

    public static DeliveryView of(Delivery d) {
        return new DeliveryView(
                d.getId(),
                d.topic(),
                d.sourceEventId(),
                d.sourceEventType(),
                d.campaignId(),
                d.channel(),
                d.recipientKind(),
                d.recipientId(),
                d.status(),
                d.reason(),
                d.attempts(),
                d.createdAt(),
                d.status() == DeliveryStatus.PENDING ? d.nextAttemptAt() : null,
                d.settledAt(),
                d.log());
    }
}
