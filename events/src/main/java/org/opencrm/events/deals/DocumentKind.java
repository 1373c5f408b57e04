package org.opencrm.events.deals;

/** Kinds of document template; analytics and webhooks distinguish invoices from the rest by it. */
public enum DocumentKind {
    INVOICE,
    CONTRACT,
    QUOTE
}
