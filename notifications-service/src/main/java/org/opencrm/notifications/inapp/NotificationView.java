package org.opencrm.notifications.inapp;

import java.time.Instant;

/** An in-app notification as the browser sees it, in the list and on the stream. */
record NotificationView(
        String id,
        long seq,
        String topic,
        String sourceEventId,
        String subject,
        String body,
        Instant createdAt,
        Instant readAt) {

    static NotificationView of(InAppNotification n) {
        return new NotificationView(
                n.id(), n.seq(), n.topic(), n.sourceEventId(), n.subject(), n.body(), n.createdAt(), n.readAt());
    }
}
