package org.opencrm.platform.consumer;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.opencrm.events.CrmEvent;

/**
 * Ids derived from the event that caused an effect. A consumer that creates a document per event (a task
 * for a stage change, a notification for a task) gives it such an id: a redelivered event derives the same
 * id, and the unique {@code _id} makes the second insert fail instead of creating a twin.
 */
public final class EventIds {

    private EventIds() {}

    /**
     * @param purpose tells apart several effects of one event, e.g. {@code "task:measure"} and
     *     {@code "notification:assignee"}
     */
    public static String derive(CrmEvent event, String purpose) {
        return derive(event.eventId(), purpose);
    }

    public static String derive(String eventId, String purpose) {
        return UUID.nameUUIDFromBytes((eventId + "/" + purpose).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
