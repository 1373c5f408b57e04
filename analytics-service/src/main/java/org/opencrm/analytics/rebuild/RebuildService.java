package org.opencrm.analytics.rebuild;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.bson.Document;
import org.opencrm.analytics.AnalyticsProperties;
import org.opencrm.analytics.projection.AnalyticsTopics;
import org.opencrm.analytics.projection.FactWriter;
import org.opencrm.analytics.projection.ProjectionCollections;
import org.opencrm.analytics.projection.ProjectionIndexes;
import org.opencrm.analytics.projection.ProjectionPointer;
import org.opencrm.events.CrmEvent;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.platform.events.PoisonEventException;
import org.opencrm.platform.web.ConflictException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Service;

/**
 * Builds a new projection version by replaying every analytics topic from its beginning, then switches
 * queries to it.
 *
 * <ol>
 *   <li>Claims the next version in the pointer: from then on every instance's live listener writes new events
 *       into it as well as into the current one.
 *   <li>Waits until every instance has seen the claim (twice the pointer's cache time), then fixes the end
 *       offsets of all partitions: records after them reach the new version through the live listeners.
 *   <li>Replays each partition from its beginning up to its end offset with a consumer of its own group, into
 *       the new version's collections. The facts converge whatever the order in which the replay and the
 *       live listener apply one aggregate's events ({@link FactWriter}).
 *   <li>Switches the pointer to the new version in one write. The previous version stays until the next
 *       rebuild, which drops every version but the current one.
 * </ol>
 *
 * Queries answer from the current version all along. The topics must still hold every event ever published
 * (see docs/analytics.md on retention), or the new version would miss the expired ones.
 */
@Service
public class RebuildService implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RebuildService.class);
    private static final Pattern VERSIONED = Pattern.compile("^[a-z_]+_v(\\d+)$");
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);
    private static final int ATTEMPTS = 3;

    private final ProjectionPointer pointer;
    private final ProjectionIndexes indexes;
    private final FactWriter writer;
    private final MongoTemplate mongo;
    private final KafkaProperties kafka;
    private final AnalyticsProperties properties;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "analytics-rebuild");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean stopping;

    RebuildService(
            ProjectionPointer pointer,
            ProjectionIndexes indexes,
            FactWriter writer,
            MongoTemplate mongo,
            KafkaProperties kafka,
            AnalyticsProperties properties) {
        this.pointer = pointer;
        this.indexes = indexes;
        this.writer = writer;
        this.mongo = mongo;
        this.kafka = kafka;
        this.properties = properties;
    }

    /**
     * Starts a rebuild in the background.
     *
     * @throws ConflictException when another rebuild is running
     */
    public RebuildStatus start(String requestedBy, String requestedByTenant) {
        var state = pointer.read();
        if (state.building() != null) {
            if (!pointer.releaseStale(Instant.now().minus(properties.rebuildStaleAfter()))) {
                throw new ConflictException(
                        "A rebuild is already running.", Map.of("buildingVersion", state.building()));
            }
            state = pointer.read();
        }
        int version = state.lastVersion() + 1;
        dropVersionsOtherThan(Set.of(state.current(), version));
        indexes.ensure(new ProjectionCollections(version));
        Date now = new Date();
        var status = new Document("version", version)
                .append("state", "RUNNING")
                .append("requestedBy", requestedBy)
                .append("requestedByTenant", requestedByTenant)
                .append("previousVersion", state.current())
                .append("startedAt", now)
                .append("heartbeatAt", now)
                .append("replayed", 0L)
                .append("total", null);
        if (!pointer.claimBuilding(version, status)) {
            throw new ConflictException("A rebuild is already running.");
        }
        log.info("Rebuilding the analytics projections as version {} (current: {})", version, state.current());
        executor.submit(() -> run(version));
        return status(requestedByTenant);
    }

    /** The status as a caller of {@code callerTenant} sees it: who started the rebuild only if it was their tenant. */
    public RebuildStatus status(String callerTenant) {
        return RebuildStatus.of(pointer.read(), pointer.rebuildStatus(), callerTenant);
    }

    private void run(int version) {
        try {
            // Every instance must write new events into the new version before the end offsets are fixed.
            Thread.sleep(properties.pointerRefresh().multipliedBy(2).toMillis());
            replay(version);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(version, "the service stopped during the rebuild");
        } catch (RuntimeException e) {
            log.error("Rebuild of analytics version {} failed", version, e);
            fail(version, "replaying the topics failed; see the service log");
        }
    }

    private void replay(int version) throws InterruptedException {
        var target = new ProjectionCollections(version);
        try (var consumer = new KafkaConsumer<String, String>(consumerConfig(version))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : AnalyticsTopics.ALL) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long total = partitions.stream()
                    .mapToLong(p -> end.get(p) - begin.get(p))
                    .sum();
            Set<TopicPartition> remaining = new HashSet<>();
            partitions.stream().filter(p -> end.get(p) > begin.get(p)).forEach(remaining::add);
            consumer.pause(
                    partitions.stream().filter(p -> !remaining.contains(p)).toList());

            long replayed = 0;
            Instant lastReport = Instant.EPOCH;
            while (!remaining.isEmpty()) {
                if (stopping) {
                    throw new InterruptedException("stopping");
                }
                List<CrmEvent> batch = new ArrayList<>();
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    var partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < end.get(partition)) {
                        decode(record).ifPresent(batch::add);
                        replayed++;
                    }
                }
                applyWithRetries(batch, target);
                for (var partition : List.copyOf(remaining)) {
                    if (consumer.position(partition) >= end.get(partition)) {
                        remaining.remove(partition);
                        consumer.pause(List.of(partition));
                    }
                }
                if (Instant.now().isAfter(lastReport.plus(PROGRESS_INTERVAL))) {
                    pointer.reportProgress(version, progress(replayed, total));
                    lastReport = Instant.now();
                }
            }
            pointer.switchTo(
                    version,
                    progress(replayed, total).append("state", "COMPLETED").append("finishedAt", new Date()));
            log.info("Analytics version {} is current: {} records replayed", version, replayed);
        }
    }

    private static Optional<CrmEvent> decode(ConsumerRecord<String, String> record) {
        try {
            return EventRecords.decode(record);
        } catch (PoisonEventException poison) {
            // The live listener sent it to the dead-letter topic long ago; it can never be read.
            return Optional.empty();
        }
    }

    /** One poll's events in a few bulk writes; a failed batch is applied again whole (every write is idempotent). */
    private void applyWithRetries(List<CrmEvent> batch, ProjectionCollections target) throws InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                writer.apply(batch, target);
                return;
            } catch (RuntimeException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                Thread.sleep(200L * attempt);
            }
        }
    }

    private Map<String, Object> consumerConfig(int version) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, properties.rebuildConsumerGroupPrefix() + version);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "analytics-rebuild-v" + version);
        return config;
    }

    private static Document progress(long replayed, long total) {
        return new Document("replayed", replayed).append("total", total).append("heartbeatAt", new Date());
    }

    private void fail(int version, String reason) {
        pointer.abandon(
                version,
                new Document("state", "FAILED").append("finishedAt", new Date()).append("error", reason));
    }

    private void dropVersionsOtherThan(Set<Integer> keep) {
        for (String name : mongo.getCollectionNames()) {
            var matcher = VERSIONED.matcher(name);
            if (matcher.matches() && !keep.contains(Integer.parseInt(matcher.group(1)))) {
                mongo.dropCollection(name);
            }
        }
    }

    @Override
    public void destroy() {
        stopping = true;
        executor.shutdownNow();
    }
}
