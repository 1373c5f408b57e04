package org.opencrm.platform.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.EventCatalog;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.EventType;
import tools.jackson.core.JacksonException;

/**
 * Maps events to and from Kafka records in CloudEvents 1.0 binary mode: the attributes travel as
 * {@code ce_*} headers, the value is the event record's JSON, and no Java type names are sent.
 */
public final class EventRecords {

    private EventRecords() {}

    /**
     * The record for a serialized event.
     *
     * @param source the CloudEvents {@code source}: the producing service, e.g. {@code /crm/deals-service}
     * @param traceparent the W3C trace context of the request that caused the event, or null
     */
    public static ProducerRecord<String, String> toRecord(
            String topic,
            String key,
            String eventId,
            String type,
            Instant occurredAt,
            String tenantId,
            String json,
            String source,
            String traceparent) {
        Headers headers = new RecordHeaders();
        put(headers, EventHeaders.SPEC_VERSION, EventHeaders.SPEC_VERSION_VALUE);
        put(headers, EventHeaders.ID, eventId);
        put(headers, EventHeaders.TYPE, type);
        put(headers, EventHeaders.SOURCE, source);
        put(headers, EventHeaders.TIME, occurredAt.toString());
        put(headers, EventHeaders.SUBJECT, key);
        put(headers, EventHeaders.CONTENT_TYPE, EventHeaders.JSON);
        put(headers, EventHeaders.TENANT, tenantId);
        if (traceparent != null) {
            put(headers, EventHeaders.TRACEPARENT, traceparent);
        }
        return new ProducerRecord<>(topic, null, key, json, headers);
    }

    /** The record for an event, outside the outbox (tests, tools, replays). */
    public static ProducerRecord<String, String> toRecord(CrmEvent event, String source) {
        EventType<?> type = EventCatalog.of(event.getClass());
        return toRecord(
                type.topic(),
                event.aggregateId(),
                event.eventId(),
                type.type(),
                event.occurredAt(),
                event.tenantId(),
                EventJson.write(event),
                source,
                null);
    }

    /**
     * The event a record carries; empty when its type is not one this build knows (a newer producer's
     * event: skipping it keeps old consumers running during a rollout).
     *
     * @throws PoisonEventException when the record can never be read
     */
    public static Optional<CrmEvent> decode(ConsumerRecord<String, String> record) {
        String ceType = header(record.headers(), EventHeaders.TYPE)
                .orElseThrow(() -> new PoisonEventException("record without a " + EventHeaders.TYPE + " header"));
        Optional<EventType<?>> type = EventCatalog.byType(ceType);
        if (type.isEmpty()) {
            return Optional.empty();
        }
        if (record.value() == null) {
            throw new PoisonEventException(ceType + " record without a value");
        }
        CrmEvent event;
        try {
            event = EventJson.read(record.value(), type.get().javaType());
        } catch (JacksonException e) {
            throw new PoisonEventException(ceType + " record whose JSON does not fit its type", e);
        }
        if (event.eventId() == null
                || event.tenantId() == null
                || event.aggregateId() == null
                || event.occurredAt() == null) {
            throw new PoisonEventException(ceType + " record with an incomplete envelope");
        }
        return Optional.of(event);
    }

    public static Optional<String> header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null
                ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
