package org.opencrm.events.notifications;

/** The ways notifications-service delivers a message. */
public enum NotificationChannel {
    EMAIL,
    SMS,
    IN_APP,
    WEBHOOK
}
