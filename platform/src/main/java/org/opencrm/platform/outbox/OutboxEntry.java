package org.opencrm.platform.outbox;

import java.time.Instant;

/**
 * An event waiting in its aggregate's document to be published: serialized when it is recorded, so the
 * relay needs no knowledge of event classes and publishes exactly what the aggregate decided.
 *
 * @param traceparent the W3C trace context of the request that recorded the event, or null
 */
public record OutboxEntry(
        String eventId,
        String type,
        String topic,
        String key,
        long aggregateVersion,
        Instant occurredAt,
        String tenantId,
        String payload,
        String traceparent) {

    OutboxEntry withTraceparent(String value) {
        return new OutboxEntry(eventId, type, topic, key, aggregateVersion, occurredAt, tenantId, payload, value);
    }
}
