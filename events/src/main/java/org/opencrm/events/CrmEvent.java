package org.opencrm.events;

import java.time.Instant;

/**
 * The envelope every event carries. Each event is a record implementing this interface with these
 * components first, followed by its own fields.
 */
public interface CrmEvent {

    /** Unique per event; consumers use it to recognise a redelivery. */
    String eventId();

    /** The tenant the aggregate belongs to; always taken from the writer's token, never from input. */
    String tenantId();

    /** The id of the aggregate that changed; also the Kafka record key, so its events stay ordered. */
    String aggregateId();

    /** Monotonic per aggregate: 1 for the event that created it, +1 for each later event. */
    long aggregateVersion();

    Instant occurredAt();

    /** Who caused the change. */
    Actor actor();
}
