package org.opencrm.notifications.inapp;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A notification in a user's in-app list; {@code _id} is the delivery's id (so storing it twice is
 * impossible) and {@code seq} orders one user's notifications: it is the SSE event id a browser sends
 * back as Last-Event-ID.
 */
@Document("inapp_notifications")
record InAppNotification(
        @Id String id,
        String tenantId,
        String userId,
        long seq,
        String topic,
        String sourceEventId,
        String subject,
        String body,
        Instant createdAt,
        Instant readAt) {}
