package org.opencrm.reliability;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Replays a dead-letter topic after the fix that makes its records succeed: every record from the replay group's
 * committed position up to the end the topic had when the run began goes back to its original topic with the same
 * key (so the same partition and order per aggregate), the same value and the same event headers ({@code ce_*},
 * {@code traceparent}); the {@code kafka_dlt-*} headers the dead-letter recoverer added are dropped and
 * {@code crm_replayed_from} names the dead-letter record. Offsets are committed only after every record was
 * acknowledged ({@code acks=all}, idempotent producer), so a run that fails half-way is simply run again: replay is
 * at-least-once, and every consumer is idempotent (docs/architecture.md).
 *
 * <p>The original topic is read by every consumer group, so a replayed event reaches all of them; those that had
 * applied it already skip it. A record that fails again goes back to the dead-letter topic behind the end this run
 * read to, and a later run replays it again; {@code --event-id} replays only the named events (and commits nothing,
 * so the others stay due).
 *
 * <pre>
 * ./crm mvn -q -o -pl reliability exec:java -Dexec.args="--bootstrap 127.0.0.1:9092 --topic crm.deals.v1.DLT"
 *   [--group crm-dlt-replay] [--event-id ID]... [--dry-run]
 * </pre>
 */
public final class DltReplay {

    static final String DLT_HEADER_PREFIX = "kafka_dlt-";
    static final String ORIGINAL_TOPIC = "kafka_dlt-original-topic";
    static final String REPLAYED_FROM = "crm_replayed_from";
    static final String EVENT_ID = "ce_id";
    static final String DEFAULT_GROUP = "crm-dlt-replay";

    /** What one run did. */
    public record Result(int read, int replayed, Map<String, Integer> byTarget) {}

    private final String bootstrap;
    private final String deadLetterTopic;
    private final String group;
    private final Set<String> eventIds;
    private final boolean dryRun;

    public DltReplay(String bootstrap, String deadLetterTopic, String group, Set<String> eventIds, boolean dryRun) {
        this.bootstrap = bootstrap;
        this.deadLetterTopic = deadLetterTopic;
        this.group = group;
        this.eventIds = Set.copyOf(eventIds);
        this.dryRun = dryRun;
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = null;
        String topic = null;
        String group = DEFAULT_GROUP;
        var ids = new LinkedHashSet<String>();
        boolean dryRun = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--bootstrap" -> bootstrap = args[++i];
                case "--topic" -> topic = args[++i];
                case "--group" -> group = args[++i];
                case "--event-id" -> ids.add(args[++i]);
                case "--dry-run" -> dryRun = true;
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (bootstrap == null || topic == null) {
            usage("--bootstrap and --topic are required");
        }
        if (!topic.endsWith(".DLT")) {
            usage(topic + " is not a dead-letter topic (<topic>.DLT)");
        }
        var result = new DltReplay(bootstrap, topic, group, ids, dryRun).run();
        System.out.println((dryRun ? "would replay " : "replayed ") + result.replayed() + " of " + result.read()
                + " records read from " + topic + ": " + result.byTarget());
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: DltReplay --bootstrap HOST:PORT --topic <topic>.DLT [--group NAME]"
                + " [--event-id ID]... [--dry-run]");
        System.exit(2);
    }

    public Result run() throws ExecutionException, InterruptedException {
        try (var consumer = new KafkaConsumer<String, String>(consumerProperties());
                var producer = new KafkaProducer<String, String>(producerProperties())) {
            var partitions = consumer.partitionsFor(deadLetterTopic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(deadLetterTopic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            var committed = consumer.committed(Set.copyOf(partitions), Duration.ofSeconds(30));
            for (var partition : partitions) {
                var offset = committed.get(partition);
                if (offset == null) {
                    consumer.seekToBeginning(List.of(partition));
                } else {
                    consumer.seek(partition, offset.offset());
                }
            }
            // the end as of now: what fails again during this run lands behind it and waits for the next run
            var end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            var sends = new ArrayList<Future<RecordMetadata>>();
            var byTarget = new HashMap<String, Integer>();
            var positions = new HashMap<TopicPartition, OffsetAndMetadata>();
            int read = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    var partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= end.get(partition)) {
                        continue;
                    }
                    read++;
                    positions.put(partition, new OffsetAndMetadata(record.offset() + 1));
                    String eventId = header(record, EVENT_ID);
                    // a poison record may have no event id at all: it is never one of the named events
                    if (!eventIds.isEmpty() && (eventId == null || !eventIds.contains(eventId))) {
                        continue;
                    }
                    var replay = replayOf(record);
                    byTarget.merge(replay.topic(), 1, Integer::sum);
                    if (!dryRun) {
                        sends.add(producer.send(replay));
                    }
                }
            }
            producer.flush();
            for (var send : sends) {
                send.get();
            }
            if (!dryRun && eventIds.isEmpty() && !positions.isEmpty()) {
                consumer.commitSync(positions);
            }
            return new Result(
                    read, byTarget.values().stream().mapToInt(Integer::intValue).sum(), byTarget);
        }
    }

    ProducerRecord<String, String> replayOf(ConsumerRecord<String, String> record) {
        String target = header(record, ORIGINAL_TOPIC);
        if (target == null) {
            target = record.topic().substring(0, record.topic().length() - ".DLT".length());
        }
        var headers = new RecordHeaders();
        for (var header : record.headers()) {
            if (!header.key().startsWith(DLT_HEADER_PREFIX) && !header.key().equals(REPLAYED_FROM)) {
                headers.add(header);
            }
        }
        headers.add(
                REPLAYED_FROM,
                (record.topic() + "-" + record.partition() + "@" + record.offset()).getBytes(StandardCharsets.UTF_8));
        // no partition: the key chooses it, as it did for the original record
        return new ProducerRecord<>(target, null, record.key(), record.value(), headers);
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private Map<String, Object> consumerProperties() {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class);
    }

    private Map<String, Object> producerProperties() {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class);
    }
}
