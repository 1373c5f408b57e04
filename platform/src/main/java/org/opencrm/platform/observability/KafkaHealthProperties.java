package org.opencrm.platform.observability;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Kafka health check ({@code crm.health.kafka.*}).
 *
 * @param timeout how long the cluster has to answer before the service reports itself not ready; short,
 *     because a readiness probe that hangs is as bad as one that fails
 */
@ConfigurationProperties("crm.health.kafka")
record KafkaHealthProperties(@DefaultValue("3s") Duration timeout) {}
