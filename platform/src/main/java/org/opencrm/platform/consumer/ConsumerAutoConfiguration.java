package org.opencrm.platform.consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.opencrm.events.EventCatalog;
import org.opencrm.events.EventType;
import org.opencrm.platform.events.PoisonEventException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.mongodb.autoconfigure.DataMongoAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The consumer kit: bounded retries with back-off, then the record goes to {@code <topic>.DLT} with the
 * exception in its headers and the partition keeps flowing; records that can never succeed (poison) skip
 * the retries, and a record that failed because the database cannot be reached is retried until it can. Boot's
 * listener container factory picks the error handler up. Also declares the platform
 * topics and their dead-letter topics, and the idempotent-write helper.
 */
@AutoConfiguration(after = {KafkaAutoConfiguration.class, DataMongoAutoConfiguration.class})
@ConditionalOnClass(KafkaOperations.class)
@EnableConfigurationProperties(ConsumerProperties.class)
public class ConsumerAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(CommonErrorHandler.class)
    @ConditionalOnBean(KafkaOperations.class)
    DefaultErrorHandler crmKafkaErrorHandler(
            KafkaOperations<?, ?> kafka, ConsumerProperties properties, ObjectProvider<MeterRegistry> meters) {
        var deadLetters = new DeadLetterPublishingRecoverer(
                kafka,
                // Partition -1: let the key choose, so the DLT needs no particular partition count.
                (record, exception) -> new TopicPartition(record.topic() + properties.deadLetterSuffix(), -1));
        var recoverer = new LoggingDeadLetterRecoverer(deadLetters, meters.getIfAvailable(SimpleMeterRegistry::new));
        var backOff = new ExponentialBackOffWithMaxRetries(properties.retries());
        backOff.setInitialInterval(properties.initialBackoff().toMillis());
        backOff.setMultiplier(properties.multiplier());
        backOff.setMaxInterval(properties.maxBackoff().toMillis());
        var handler = new DefaultErrorHandler(recoverer, backOff);
        handler.addNotRetryableExceptions(PoisonEventException.class, IllegalArgumentException.class);
        // A database that cannot be reached fails every record alike: the bounded retries would empty the partition
        // into the dead-letter topic within seconds of an outage. Such a record is retried (capped back-off) until
        // the database answers again; the partition waits, which also keeps each aggregate's order.
        handler.setBackOffFunction(
                (record, exception) -> databaseUnreachable(exception) ? outageBackOff(properties) : null);
        return handler;
    }

    static boolean databaseUnreachable(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataAccessResourceFailureException
                    || t instanceof TransientDataAccessResourceException
                    || t instanceof com.mongodb.MongoTimeoutException
                    || t instanceof com.mongodb.MongoSocketException) {
                return true;
            }
        }
        return false;
    }

    private static BackOff outageBackOff(ConsumerProperties properties) {
        var backOff = new ExponentialBackOff(properties.initialBackoff().toMillis(), properties.multiplier());
        backOff.setMaxInterval(properties.maxBackoff().toMillis());
        return backOff;
    }

    /**
     * Listener threads: one per partition (crm.consumer.concurrency, the partition count by default), so the
     * partitions of a topic are handled in parallel while each one, and so each aggregate, stays in order. Two
     * threads of one instance are two consumers of the group, exactly like two instances, which every consumer
     * already has to survive (idempotent effects, no in-memory state shared across records).
     */
    @Bean
    static BeanPostProcessor crmListenerConcurrency(Environment environment) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof ConcurrentKafkaListenerContainerFactory<?, ?> factory
                        && !environment.containsProperty("spring.kafka.listener.concurrency")) {
                    factory.setConcurrency(environment.getProperty("crm.consumer.concurrency", Integer.class, 3));
                }
                return bean;
            }
        };
    }

    @Bean
    @ConditionalOnBean(KafkaAdmin.class)
    KafkaAdmin.NewTopics crmTopics(ConsumerProperties properties) {
        List<NewTopic> topics = new ArrayList<>();
        EventCatalog.all().stream().map(EventType::topic).distinct().sorted().forEach(name -> {
            topics.add(
                    TopicBuilder.name(name).partitions(properties.partitions()).build());
            topics.add(TopicBuilder.name(name + properties.deadLetterSuffix())
                    .partitions(properties.partitions())
                    .build());
        });
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(MongoTemplate.class)
    IdempotentWrites idempotentWrites(MongoTemplate mongo) {
        return new IdempotentWrites(mongo);
    }
}
