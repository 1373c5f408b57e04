package org.opencrm.platform.mongo;

import com.mongodb.client.MongoClient;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/** Bounded waits for MongoDB in every service ({@link MongoTimeoutsProperties}). */
@AutoConfiguration(before = MongoAutoConfiguration.class)
@ConditionalOnClass(MongoClient.class)
@EnableConfigurationProperties(MongoTimeoutsProperties.class)
public class MongoTimeoutsAutoConfiguration {

    /** Runs before Boot's customizer that applies the connection string, so options in the URI still win. */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    MongoClientSettingsBuilderCustomizer crmMongoTimeouts(MongoTimeoutsProperties timeouts) {
        return settings -> settings.applyToClusterSettings(cluster -> cluster.serverSelectionTimeout(
                        timeouts.serverSelectionTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .applyToSocketSettings(socket -> socket.connectTimeout(
                                (int) timeouts.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .readTimeout((int) timeouts.readTimeout().toMillis(), TimeUnit.MILLISECONDS));
    }
}
