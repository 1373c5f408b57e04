package org.opencrm.bench;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.EventCatalog;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.EventType;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * B3's Kafka records of events, byte for byte as the platform's {@code EventRecords.toRecord} and
 * {@code EventJson} write them (CloudEvents headers, the record key = the aggregate id, the event's JSON), and
 * their decoding for the consumer baseline. The platform module itself stays off the harness's class path: its
 * auto-configurations would join B6's empty baseline app.
 */
final class AnalyticsRecords {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private AnalyticsRecords() {}

    static ProducerRecord<String, String> toRecord(CrmEvent event, String source) {
        EventType<?> type = EventCatalog.of(event.getClass());
        Headers headers = new RecordHeaders();
        put(headers, EventHeaders.SPEC_VERSION, EventHeaders.SPEC_VERSION_VALUE);
        put(headers, EventHeaders.ID, event.eventId());
        put(headers, EventHeaders.TYPE, type.type());
        put(headers, EventHeaders.SOURCE, source);
        put(headers, EventHeaders.TIME, event.occurredAt().toString());
        put(headers, EventHeaders.SUBJECT, event.aggregateId());
        put(headers, EventHeaders.CONTENT_TYPE, EventHeaders.JSON);
        put(headers, EventHeaders.TENANT, event.tenantId());
        return new ProducerRecord<>(type.topic(), null, event.aggregateId(), MAPPER.writeValueAsString(event), headers);
    }

    /** The event of a record, as a consumer reads it; empty for a type this build does not know. */
    static Optional<CrmEvent> decode(ConsumerRecord<String, String> record) {
        var header = record.headers().lastHeader(EventHeaders.TYPE);
        if (header == null) {
            return Optional.empty();
        }
        return EventCatalog.byType(new String(header.value(), StandardCharsets.UTF_8))
                .map(type -> MAPPER.readValue(record.value(), type.javaType()));
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
