package org.opencrm.contacts.card;

import org.opencrm.contacts.activity.ContactSummary;

/** One card of a screen pop: the card and what the operator needs next to it. */
public record LookupResult(ContactView contact, ContactSummary summary) {}
