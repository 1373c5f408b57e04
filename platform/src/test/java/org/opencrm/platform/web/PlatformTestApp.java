package org.opencrm.platform.web;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.util.LinkedHashMap;
import java.util.Map;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * A minimal service for the platform's own tests: every auto-configuration a real service gets, one test
 * controller, an in-memory MongoDB-protocol server. Kafka is configured but only the health test starts a broker.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(TestController.class)
public class PlatformTestApp {

    /** What a service under test needs: the test JWT key and a database. */
    public static Map<String, Object> properties() {
        var properties = new LinkedHashMap<String, Object>(TestJwts.springProperties());
        properties.put("spring.mongodb.uri", Mongo.URI);
        properties.put("crm.security.public-paths", "/test/public/**");
        return properties;
    }

    private static final class Mongo {
        static final String URI = start();

        private static String start() {
            var server = new MongoServer(new MemoryBackend());
            var address = server.bind();
            Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
            return "mongodb://" + address.getHostString() + ":" + address.getPort() + "/platform-test";
        }
    }
}
