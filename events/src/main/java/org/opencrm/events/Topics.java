package org.opencrm.events;

/**
 * Kafka topic names: one topic per aggregate type, keyed by aggregate id, so the events of one record
 * stay in order on one partition. The {@code .v1} names the topic's layout, not an event version: event
 * types version themselves ({@code crm.deals.DealStageChanged.v2}) on the same topic.
 */
public final class Topics {
    public static final String CONTACTS = "crm.contacts.v1";
    /**
     * Calls have a topic of their own because a call exists before, and sometimes without, a client card:
     * an unknown caller has no contact id to key the call's events by.
     */
    public static final String CALLS = "crm.calls.v1";

    public static final String DEALS = "crm.deals.v1";
    public static final String TASKS = "crm.tasks.v1";
    /**
     * Teams are owned by tasks-service but are not tasks: deals and notifications keep a copy of every
     * team and should not have to read the busy task stream to get it.
     */
    public static final String TEAMS = "crm.teams.v1";

    public static final String NOTIFICATIONS = "crm.notifications.v1";

    private Topics() {}
}
