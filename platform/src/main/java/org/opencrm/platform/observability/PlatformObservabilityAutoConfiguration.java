package org.opencrm.platform.observability;

import com.mongodb.client.MongoClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration;
import org.springframework.boot.mongodb.autoconfigure.health.MongoHealthContributorAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Health indicators for the two dependencies every service has, named {@code mongo} and {@code kafka} so the
 * readiness group in {@code platform-defaults.properties} includes them.
 */
@AutoConfiguration(
        after = {MongoAutoConfiguration.class, KafkaAutoConfiguration.class},
        before = MongoHealthContributorAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@EnableConfigurationProperties(KafkaHealthProperties.class)
public final class PlatformObservabilityAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MongoClient.class)
    static class MongoHealth {

        /** The bean name makes Boot's own {@code hello}-based indicator back off. */
        @Bean
        @ConditionalOnBean(MongoClient.class)
        @ConditionalOnMissingBean(name = {"mongoHealthIndicator", "mongoHealthContributor"})
        HealthIndicator mongoHealthIndicator(MongoClient client) {
            return new MongoPingHealthIndicator(client);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(KafkaAdmin.class)
    static class KafkaHealth {

        @Bean
        @ConditionalOnBean(KafkaAdmin.class)
        @ConditionalOnMissingBean(name = "kafkaHealthIndicator")
        KafkaHealthIndicator kafkaHealthIndicator(KafkaAdmin kafkaAdmin, KafkaHealthProperties properties) {
            return new KafkaHealthIndicator(kafkaAdmin.getConfigurationProperties(), properties.timeout());
        }
    }
}
