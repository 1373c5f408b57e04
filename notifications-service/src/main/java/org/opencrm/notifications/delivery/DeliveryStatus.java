package org.opencrm.notifications.delivery;

public enum DeliveryStatus {
    /** Waiting for its first or next attempt (or for the end of the recipient's quiet hours). */
    PENDING,
    SENT,
    /** Given up: retries exhausted, the address refused, the webhook disabled. */
    FAILED,
    /** Deliberately not sent: the recipient's preferences, missing consent or address, an erased client. */
    SUPPRESSED
}
