package org.opencrm.events.notifications;

/**
 * What a recipient id refers to: an employee, a client card (birthday and campaign messages) or a
 * tenant's webhook subscription.
 */
public enum RecipientKind {
    USER,
    CONTACT,
    WEBHOOK
}
