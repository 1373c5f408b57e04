package org.opencrm.events.contacts;

/** Kinds of history entry on a card. A fixed set: analytics counts activity by it. */
public enum InteractionType {
    CALL,
    EMAIL,
    MEETING,
    MESSAGE,
    NOTE,
    APPEAL
}
