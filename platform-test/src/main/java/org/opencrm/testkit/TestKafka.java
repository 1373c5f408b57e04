package org.opencrm.testkit;

import java.util.Map;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.kafka.KafkaContainer;

/** The shared Kafka broker: from the environment, a container, or embedded in this JVM. */
record TestKafka(String bootstrapServers, String description) {

    static final String KAFKA_IMAGE = "apache/kafka:4.1.1";

    /**
     * Partitions of a topic the broker creates on first use, as many as the platform declares for its own topics
     * ({@code crm.consumer.partitions}) and the local run creates: tests see the listeners' concurrency and the
     * per-key (per-aggregate) order across partitions exactly as the services run them.
     */
    static final String PARTITIONS = "3";

    static TestKafka resolve() {
        var fromEnv = TestInfrastructure.env(TestInfrastructure.KAFKA_ENV);
        if (fromEnv.isPresent()) {
            return new TestKafka(fromEnv.get(), "environment " + fromEnv.get());
        }
        if (TestInfrastructure.dockerAvailable()) {
            var container = new KafkaContainer(KAFKA_IMAGE).withEnv("KAFKA_NUM_PARTITIONS", PARTITIONS);
            container.start();
            return new TestKafka(container.getBootstrapServers(), "container " + KAFKA_IMAGE);
        }
        EmbeddedKafkaBroker broker = new EmbeddedKafkaKraftBroker(1, 1)
                .brokerProperties(Map.of(
                        "auto.create.topics.enable", "true",
                        "group.initial.rebalance.delay.ms", "0",
                        "num.partitions", PARTITIONS));
        broker.afterPropertiesSet();
        // No shutdown hook: the broker dies with the JVM. Stopping it in a hook raced the Spring contexts
        // closing in theirs, whose listeners then waited for a broker that was gone.
        return new TestKafka(broker.getBrokersAsString(), "embedded KRaft broker " + broker.getBrokersAsString());
    }
}
