package org.opencrm.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * The Kafka broker and MongoDB-protocol server every test in a JVM shares, started at most once.
 *
 * <p>Each is resolved in this order: an address from the environment ({@code CRM_TEST_KAFKA},
 * {@code CRM_TEST_MONGODB_URI}); Testcontainers (a {@code mongo} replica set, an {@code apache/kafka}
 * broker) when a Docker engine answers; otherwise real servers embedded in the test JVM (Apache Kafka's
 * KRaft broker from spring-kafka-test, {@code de.bwaldvogel:mongo-java-server}). {@code CRM_TEST_DOCKER=false}
 * skips the Docker probe.
 */
public final class TestInfrastructure {

    public static final String KAFKA_ENV = "CRM_TEST_KAFKA";
    public static final String MONGODB_ENV = "CRM_TEST_MONGODB_URI";
    public static final String DOCKER_ENV = "CRM_TEST_DOCKER";

    private static final Logger log = LoggerFactory.getLogger(TestInfrastructure.class);

    private TestInfrastructure() {}

    /** Bootstrap servers of the shared broker; starts it on first use. */
    public static String kafkaBootstrapServers() {
        return KafkaHolder.KAFKA.bootstrapServers();
    }

    /**
     * A connection string for the given database on the shared server; starts it on first use. Use a
     * database per test context so test classes do not see each other's documents.
     */
    public static String mongoUri(String database) {
        return MongoHolder.MONGO.uri(database);
    }

    /** Where the shared servers come from, for logs and reports. */
    public static String describe() {
        return "kafka=" + KafkaHolder.KAFKA.description() + ", mongodb=" + MongoHolder.MONGO.description();
    }

    static boolean dockerAvailable() {
        return DockerProbe.AVAILABLE;
    }

    static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name))
                .or(() -> Optional.ofNullable(System.getProperty(name)))
                .filter(v -> !v.isBlank());
    }

    /** Initialization-on-demand holders: each server starts once, on first use, thread-safely. */
    private static final class KafkaHolder {
        static final TestKafka KAFKA = TestKafka.resolve();
    }

    private static final class MongoHolder {
        static final TestMongo MONGO = TestMongo.resolve();
    }

    private static final class DockerProbe {
        static final boolean AVAILABLE = probe();

        private static boolean probe() {
            if (env(DOCKER_ENV).map("false"::equalsIgnoreCase).orElse(false)) {
                return false;
            }
            // Without a socket or DOCKER_HOST there is nothing to find; Testcontainers would say so in an
            // ERROR log that reads like a test failure.
            if (env("DOCKER_HOST").isEmpty() && !Files.exists(Path.of("/var/run/docker.sock"))) {
                log.info("No Docker engine: tests use embedded servers");
                return false;
            }
            try {
                boolean available = DockerClientFactory.instance().isDockerAvailable();
                log.info(
                        "Docker engine {}",
                        available ? "found: tests use Testcontainers" : "not found: tests use embedded servers");
                return available;
            } catch (RuntimeException | LinkageError e) {
                return false;
            }
        }
    }
}
