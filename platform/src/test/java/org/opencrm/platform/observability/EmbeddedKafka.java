package org.opencrm.platform.observability;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** One KRaft broker for this package's tests, started on first use and stopped with the JVM. */
final class EmbeddedKafka {

    private EmbeddedKafka() {}

    static String bootstrapServers() {
        return Holder.BROKER.getBrokersAsString();
    }

    private static final class Holder {
        static final EmbeddedKafkaKraftBroker BROKER = start();

        private static EmbeddedKafkaKraftBroker start() {
            var broker = new EmbeddedKafkaKraftBroker(1, 1);
            broker.afterPropertiesSet();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy));
            return broker;
        }
    }
}
