package org.opencrm.events;

/** Kafka topic names: one topic per aggregate type, keyed by aggregate id. */
public final class Topics {
    public static final String CONTACTS = "crm.contacts.v1";
    public static final String DEALS = "crm.deals.v1";
    public static final String TASKS = "crm.tasks.v1";
    public static final String NOTIFICATIONS = "crm.notifications.v1";

    private Topics() {}
}
