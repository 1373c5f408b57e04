package org.opencrm.notifications.delivery;

import java.time.Instant;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.events.notifications.RecipientKind;

/**
 * What a delivery should be, before it exists: the planners (events, campaigns, digests) build these and
 * {@link Deliveries#enqueue} turns each into exactly one document.
 *
 * @param topic what the message is about: the event's simple name, {@code Campaign} or {@code Digest}
 * @param notBefore not sent before (quiet hours); null for now
 * @param suppressedBecause stored as SUPPRESSED with this reason instead of being sent; null to send
 */
public record DeliveryDraft(
        String sourceEventId,
        String sourceEventType,
        String campaignId,
        String topic,
        NotificationChannel channel,
        RecipientKind recipientKind,
        String recipientId,
        String address,
        String language,
        String subject,
        String body,
        boolean urgent,
        Instant notBefore,
        String suppressedBecause) {

    public DeliveryDraft suppressed(String why) {
        return new DeliveryDraft(
                sourceEventId,
                sourceEventType,
                campaignId,
                topic,
                channel,
                recipientKind,
                recipientId,
                address,
                language,
                subject,
                body,
                urgent,
                notBefore,
                why);
    }

    public DeliveryDraft notBefore(Instant when) {
        return new DeliveryDraft(
                sourceEventId,
                sourceEventType,
                campaignId,
                topic,
                channel,
                recipientKind,
                recipientId,
                address,
                language,
                subject,
                body,
                urgent,
                when,
                suppressedBecause);
    }
}
