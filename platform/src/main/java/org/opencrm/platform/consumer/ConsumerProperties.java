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
 */
@ConfigurationProperties("crm.consumer")
public record ConsumerProperties(
        @DefaultValue("3") int retries,
        @DefaultValue("200ms") Duration initialBackoff,
        @DefaultValue("2.0") double multiplier,
        @DefaultValue("5s") Duration maxBackoff,
        @DefaultValue(".DLT") String deadLetterSuffix,
        @DefaultValue("3") int partitions) {}
