package org.opencrm.platform.consumer;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the consumer kit ({@code crm.consumer.*}).
 *
 * @param retries how often a failing record is retried before it goes to the dead-letter topic
 * @param initialBackoff the first retry delay; each next one is {@code multiplier} times longer
 * @param maxBackoff the longest delay between two retries
 * @param deadLetterSuffix appended to a topic's name to name its dead-letter topic
 * @param partitions partitions of the platform topics this service declares (existing topics keep theirs)
 * @param concurrency listener threads per {@code @KafkaListener} (each takes some of the topic's partitions, so one
 *     aggregate's events, which share a key and so a partition, are still handled one after the other); set it to
 *     the partition count so that every partition has its own thread. {@code spring.kafka.listener.concurrency}
 *     and a listener's own {@code concurrency} attribute win over it
 */
@ConfigurationProperties("crm.consumer")
public record ConsumerProperties(
        @DefaultValue("3") int retries,
        @DefaultValue("200ms") Duration initialBackoff,
        @DefaultValue("2.0") double multiplier,
        @DefaultValue("5s") Duration maxBackoff,
        @DefaultValue(".DLT") String deadLetterSuffix,
        @DefaultValue("3") int partitions,
        @DefaultValue("3") int concurrency) {}
