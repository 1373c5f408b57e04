package org.opencrm.events;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.opencrm.events.calls.CallEnded;
import org.opencrm.events.calls.CallStarted;
import org.opencrm.events.contacts.ContactArchived;
import org.opencrm.events.contacts.ContactCreated;
import org.opencrm.events.contacts.ContactErased;
import org.opencrm.events.contacts.ContactRestored;
import org.opencrm.events.contacts.ContactUpdated;
import org.opencrm.events.contacts.ContactsMerged;
import org.opencrm.events.contacts.InteractionLogged;
import org.opencrm.events.contacts.LeadReceived;
import org.opencrm.events.deals.DealAmountChanged;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.events.deals.DealDocumentGenerated;
import org.opencrm.events.deals.DealLost;
import org.opencrm.events.deals.DealReassigned;
import org.opencrm.events.deals.DealReopened;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.events.deals.DealUpdated;
import org.opencrm.events.deals.DealWon;
import org.opencrm.events.notifications.ClientUnsubscribed;
import org.opencrm.events.notifications.NotificationFailed;
import org.opencrm.events.notifications.NotificationSent;
import org.opencrm.events.tasks.DealWithoutNextStep;
import org.opencrm.events.tasks.RuleNotificationRequested;
import org.opencrm.events.tasks.TaskCancelled;
import org.opencrm.events.tasks.TaskCompleted;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.events.tasks.TaskDueSoon;
import org.opencrm.events.tasks.TaskOverdue;
import org.opencrm.events.tasks.TaskReassigned;
import org.opencrm.events.tasks.TaskUpdated;
import org.opencrm.events.teams.TeamUpdated;

/**
 * Every event type of the platform, in one list: producers look up the topic and type of a record here,
 * consumers the record of a {@code ce_type} header, the schema test and the docs the whole set. A record
 * that is not listed cannot be published, so it cannot escape the compatibility check either.
 */
public final class EventCatalog {

    private static final List<EventType<?>> ALL = List.of(
            new EventType<>("crm.contacts.ContactCreated.v1", ContactCreated.class, Topics.CONTACTS),
            new EventType<>("crm.contacts.ContactUpdated.v1", ContactUpdated.class, Topics.CONTACTS),
            new EventType<>("crm.contacts.ContactArchived.v1", ContactArchived.class, Topics.CONTACTS),
            new EventType<>("crm.contacts.ContactRestored.v1", ContactRestored.class, Topics.CONTACTS),
            new EventType<>("crm.contacts.ContactsMerged.v1", ContactsMerged.class, Topics.CONTACTS),
            new EventType<>("crm.contacts.ContactErased.v1", ContactErased.class, Topics.CONTACTS),
            new EventType<>("crm.contacts.InteractionLogged.v1", InteractionLogged.class, Topics.CONTACTS),
            new EventType<>("crm.contacts.LeadReceived.v1", LeadReceived.class, Topics.CONTACTS),
            new EventType<>("crm.calls.CallStarted.v1", CallStarted.class, Topics.CALLS),
            new EventType<>("crm.calls.CallEnded.v1", CallEnded.class, Topics.CALLS),
            new EventType<>("crm.deals.DealCreated.v1", DealCreated.class, Topics.DEALS),
            new EventType<>("crm.deals.DealStageChanged.v1", DealStageChanged.class, Topics.DEALS),
            new EventType<>("crm.deals.DealWon.v1", DealWon.class, Topics.DEALS),
            new EventType<>("crm.deals.DealLost.v1", DealLost.class, Topics.DEALS),
            new EventType<>("crm.deals.DealReopened.v1", DealReopened.class, Topics.DEALS),
            new EventType<>("crm.deals.DealReassigned.v1", DealReassigned.class, Topics.DEALS),
            new EventType<>("crm.deals.DealAmountChanged.v1", DealAmountChanged.class, Topics.DEALS),
            new EventType<>("crm.deals.DealUpdated.v1", DealUpdated.class, Topics.DEALS),
            new EventType<>("crm.deals.DealDocumentGenerated.v1", DealDocumentGenerated.class, Topics.DEALS),
            new EventType<>("crm.tasks.TaskCreated.v1", TaskCreated.class, Topics.TASKS),
            new EventType<>("crm.tasks.TaskUpdated.v1", TaskUpdated.class, Topics.TASKS),
            new EventType<>("crm.tasks.TaskCompleted.v1", TaskCompleted.class, Topics.TASKS),
            new EventType<>("crm.tasks.TaskCancelled.v1", TaskCancelled.class, Topics.TASKS),
            new EventType<>("crm.tasks.TaskDueSoon.v1", TaskDueSoon.class, Topics.TASKS),
            new EventType<>("crm.tasks.TaskOverdue.v1", TaskOverdue.class, Topics.TASKS),
            new EventType<>("crm.tasks.TaskReassigned.v1", TaskReassigned.class, Topics.TASKS),
            new EventType<>("crm.tasks.DealWithoutNextStep.v1", DealWithoutNextStep.class, Topics.TASKS),
            new EventType<>("crm.tasks.RuleNotificationRequested.v1", RuleNotificationRequested.class, Topics.TASKS),
            new EventType<>("crm.teams.TeamUpdated.v1", TeamUpdated.class, Topics.TEAMS),
            new EventType<>("crm.notifications.NotificationSent.v1", NotificationSent.class, Topics.NOTIFICATIONS),
            new EventType<>("crm.notifications.NotificationFailed.v1", NotificationFailed.class, Topics.NOTIFICATIONS),
            new EventType<>("crm.notifications.ClientUnsubscribed.v1", ClientUnsubscribed.class, Topics.NOTIFICATIONS));

    private static final Map<String, EventType<?>> BY_TYPE =
            ALL.stream().collect(Collectors.toUnmodifiableMap(EventType::type, Function.identity()));
    private static final Map<Class<?>, EventType<?>> BY_CLASS =
            ALL.stream().collect(Collectors.toUnmodifiableMap(EventType::javaType, Function.identity()));

    private EventCatalog() {}

    public static List<EventType<?>> all() {
        return ALL;
    }

    public static Optional<EventType<?>> byType(String ceType) {
        return Optional.ofNullable(BY_TYPE.get(ceType));
    }

    @SuppressWarnings("unchecked")
    public static <E extends CrmEvent> EventType<E> of(Class<E> eventClass) {
        var type = (EventType<E>) BY_CLASS.get(eventClass);
        if (type == null) {
            throw new IllegalArgumentException(eventClass.getName() + " is not in the EventCatalog");
        }
        return type;
    }
}
