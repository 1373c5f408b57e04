package org.opencrm.events;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.opencrm.events.contacts.ContactCreated;
import org.opencrm.events.deals.DealStageChanged;

/**
 * Every event type of the platform, in one list: producers look up the topic and type of a record here,
 * consumers the record of a {@code ce_type} header, the schema test and the docs the whole set.
 */
public final class EventCatalog {

    private static final List<EventType<?>> ALL = List.of(
            new EventType<>("crm.contacts.ContactCreated.v1", ContactCreated.class, Topics.CONTACTS),
            new EventType<>("crm.deals.DealStageChanged.v1", DealStageChanged.class, Topics.DEALS));

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
