package org.opencrm.platform.outbox;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.opencrm.events.EventHeaders;
import org.opencrm.platform.events.EventRecords;
import org.springframework.data.mongodb.core.MongoTemplate;

/** Relays built by hand, as a second service instance (or a restarted one) would run them. */
final class OutboxTesting {

    private OutboxTesting() {}

    static OutboxProperties fastProperties() {
        return new OutboxProperties(
                true,
                "/crm/outbox-test",
                "outbox_pending",
                2,
                Duration.ofMillis(50),
                Duration.ofMillis(200),
                Duration.ofSeconds(10),
                Duration.ofSeconds(3),
                Duration.ofMillis(100),
                Duration.ofSeconds(1),
                200);
    }

    static OutboxRelay relay(MongoTemplate mongo, String bootstrapServers, OutboxProperties properties) {
        var template = OutboxAutoConfiguration.relayTemplate(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), properties);
        return new OutboxRelay(
                mongo, template, properties, properties.source(), Clock.systemUTC(), new SimpleMeterRegistry());
    }

    static String newTenant() {
        return "tenant-" + UUID.randomUUID();
    }

    static String eventId(ConsumerRecord<String, String> record) {
        return EventRecords.header(record.headers(), EventHeaders.ID).orElseThrow();
    }

    static boolean ofTenant(ConsumerRecord<String, String> record, String tenant) {
        return EventRecords.header(record.headers(), EventHeaders.TENANT)
                .map(tenant::equals)
                .orElse(false);
    }
}
