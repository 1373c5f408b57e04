package org.opencrm.platform.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.opencrm.testkit.TestInfrastructure;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * A minimal service for the platform's own tests: every auto-configuration a real service gets, one test
 * controller, the test kit's MongoDB-protocol server and Kafka broker.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(TestController.class)
public class PlatformTestApp {

    /** What a service under test needs: the test JWT key and a database. */
    public static Map<String, Object> properties() {
        var properties = new LinkedHashMap<String, Object>(TestJwts.springProperties());
        properties.put("spring.mongodb.uri", TestInfrastructure.mongoUri("platform-test-" + UUID.randomUUID()));
        // Without a reachable broker the platform's topic declarations hold the start-up for the admin timeout.
        properties.put("spring.kafka.bootstrap-servers", TestInfrastructure.kafkaBootstrapServers());
        properties.put("crm.security.public-paths", "/test/public/**");
        return properties;
    }
}
