package org.opencrm.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads topics from their beginning to assert what was really published. It assigns itself every
 * partition instead of joining a group, so it keeps its position when the broker restarts and never
 * reads a record twice. Not thread-safe: use it from the test thread.
 */
public final class KafkaTestConsumer implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> received = new ArrayList<>();

    private KafkaTestConsumer(String bootstrapServers, List<String> topics) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG,
                "test-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class));
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            partitions.addAll(partitionsOf(topic));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Asking for a topic's partitions creates it where the broker auto-creates topics. */
    private List<TopicPartition> partitionsOf(String topic) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("topic " + topic + " has no partitions");
            }
        }
    }

    public static KafkaTestConsumer subscribe(String bootstrapServers, String... topics) {
        return new KafkaTestConsumer(bootstrapServers, List.of(topics));
    }

    /** Polls until {@code count} records matching {@code filter} arrived, or fails after {@code timeout}. */
    public List<ConsumerRecord<String, String>> await(
            Predicate<ConsumerRecord<String, String>> filter, int count, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            List<ConsumerRecord<String, String>> matching = matching(filter);
            if (matching.size() >= count) {
                return matching;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(
                        "expected " + count + " matching records within " + timeout + ", got " + matching.size());
            }
            poll(Duration.ofMillis(200));
        }
    }

    /** Polls for {@code duration} and returns every record matching {@code filter} received so far. */
    public List<ConsumerRecord<String, String>> drain(
            Predicate<ConsumerRecord<String, String>> filter, Duration duration) {
        Instant deadline = Instant.now().plus(duration);
        while (Instant.now().isBefore(deadline)) {
            poll(Duration.ofMillis(100));
        }
        return matching(filter);
    }

    private void poll(Duration duration) {
        consumer.poll(duration).forEach(received::add);
    }

    private List<ConsumerRecord<String, String>> matching(Predicate<ConsumerRecord<String, String>> filter) {
        return received.stream().filter(filter).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
