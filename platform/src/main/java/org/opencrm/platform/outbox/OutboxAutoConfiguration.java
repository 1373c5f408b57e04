package org.opencrm.platform.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.opencrm.events.EventHeaders;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The transactional outbox for every service with MongoDB and Kafka: entity callbacks that record the
 * pending marker and nudge the relay, and the relay with its own idempotent {@code acks=all} producer.
 */
@AutoConfiguration(after = {DataMongoAutoConfiguration.class, KafkaAutoConfiguration.class})
@ConditionalOnClass({MongoTemplate.class, KafkaTemplate.class})
@ConditionalOnBean({MongoTemplate.class, KafkaProperties.class})
@EnableConfigurationProperties(OutboxProperties.class)
public class OutboxAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    OutboxRelay outboxRelay(
            MongoTemplate mongo,
            KafkaProperties kafkaProperties,
            ObjectProvider<KafkaConnectionDetails> connectionDetails,
            OutboxProperties properties,
            Environment environment,
            ObjectProvider<MeterRegistry> meters) {
        Map<String, Object> base = new HashMap<>(kafkaProperties.buildProducerProperties());
        connectionDetails.ifAvailable(details -> base.put(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                String.join(",", details.getProducer().getBootstrapServers())));
        var template = relayTemplate(base, properties);
        String application = environment.getProperty("spring.application.name", "service");
        String source = properties.source() != null ? properties.source() : "/crm/" + application;
        return new OutboxRelay(
                mongo,
                template,
                properties,
                source,
                Clock.systemUTC(),
                meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    /** The relay's own producer: never loses or reorders an acknowledged event, and never outlasts the lease. */
    static KafkaTemplate<String, String> relayTemplate(Map<String, Object> base, OutboxProperties properties) {
        Map<String, Object> producer = new HashMap<>(base);
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producer.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        int deliveryTimeout = (int) properties.sendTimeout().toMillis();
        producer.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(5_000, deliveryTimeout - 5));
        producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeout);
        producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(5_000, deliveryTimeout));
        producer.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "outbox-relay");
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(producer));
    }

    @Bean
    @ConditionalOnMissingBean
    AggregateBatchWriter aggregateBatchWriter(MongoTemplate mongo, ObjectProvider<OutboxRelay> relay) {
        return new AggregateBatchWriter(mongo, relay::getObject, Clock.systemUTC());
    }

    @Bean
    OutboxEntityCallbacks outboxEntityCallbacks(
            ObjectProvider<OutboxRelay> relay, ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        Supplier<String> traceparent = () -> currentTraceparent(tracer.getIfAvailable(), propagator.getIfAvailable());
        return new OutboxEntityCallbacks(relay::getObject, traceparent, Clock.systemUTC());
    }

    /** The W3C trace context of the current span, as the propagator would send it on an HTTP call. */
    static String currentTraceparent(Tracer tracer, Propagator propagator) {
        if (tracer == null || propagator == null || tracer.currentSpan() == null) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        propagator.inject(tracer.currentSpan().context(), carrier, Map::put);
        return carrier.get(EventHeaders.TRACEPARENT);
    }
}
