package org.opencrm.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.Topics;
import tools.jackson.databind.JsonNode;

/**
 * B2's end of the pipeline: follows each stage change through the broker by the events the services publish.
 * A change carries {@code comment = "b2:<seq>"}; its {@code DealStageChanged} names it, the rule's
 * {@code TaskCreated} names that event ({@code sourceEventId}), and the in-app {@code NotificationSent} names the
 * {@code TaskCreated} ({@code sourceEventId}). The change is complete when that notification is seen; its
 * stored time is the event's {@code occurredAt} (notifications-service takes it right after the in-app
 * notification is inserted, in the save that marks the delivery SENT), its seen time when this consumer read it.
 */
final class PipelineProbe implements AutoCloseable {

    static final String PREFIX = "b2:";

    /**
     * A completed change, every time in epoch microseconds: each event's {@code occurredAt} (the producer's save)
     * and when this consumer read it (published and fetched), for the deal's, the task's and the notification's.
     */
    record Done(
            long dealSavedMicros,
            long dealSeenMicros,
            long taskSavedMicros,
            long taskSeenMicros,
            long storedMicros,
            long seenMicros) {}

    private record Hop(String id, long savedMicros, long seenMicros) {}

    private record Pending(String taskEventId, long storedMicros, long seenMicros) {}

    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private volatile boolean running = true;
    private final Map<String, Long> seqByDealEvent = new ConcurrentHashMap<>();
    private final Map<String, Hop> dealEvents = new ConcurrentHashMap<>();
    private final Map<String, Hop> taskEvents = new ConcurrentHashMap<>();
    private final Map<Long, Done> done = new ConcurrentHashMap<>();
    private final List<Pending> pending = new ArrayList<>();
    private final AtomicLong completed = new AtomicLong();

    PipelineProbe(String bootstrap) {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-b2-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
        consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(Topics.DEALS, Topics.TASKS, Topics.NOTIFICATIONS));
        thread = Thread.ofPlatform().name("b2-probe").daemon().start(this::loop);
    }

    private void loop() {
        while (running) {
            var records = consumer.poll(Duration.ofMillis(50));
            long seen = micros(Instant.now());
            for (var record : records) {
                try {
                    handle(record, seen);
                } catch (RuntimeException e) {
                    // not an event of ours (or not JSON): nothing to follow
                }
            }
            resolve(seen);
        }
        consumer.close(Duration.ofSeconds(2));
    }

    private void handle(ConsumerRecord<String, String> record, long seen) {
        var header = record.headers().lastHeader(EventHeaders.TYPE);
        if (header == null || record.value() == null) {
            return;
        }
        String type = new String(header.value(), StandardCharsets.UTF_8);
        if (type.contains(".DealStageChanged.")) {
            JsonNode event = Http.JSON.readTree(record.value());
            String comment = event.path("comment").asString("");
            if (comment.startsWith(PREFIX)) {
                String id = event.path("eventId").asString();
                seqByDealEvent.put(id, Long.parseLong(comment.substring(PREFIX.length())));
                dealEvents.put(id, new Hop(id, occurred(event), seen));
            }
        } else if (type.contains(".TaskCreated.")) {
            JsonNode event = Http.JSON.readTree(record.value());
            String source = event.path("sourceEventId").asString("");
            if (!source.isEmpty()) {
                taskEvents.put(event.path("eventId").asString(), new Hop(source, occurred(event), seen));
            }
        } else if (type.contains(".NotificationSent.")) {
            JsonNode event = Http.JSON.readTree(record.value());
            if (event.path("channel").asString("").equals("IN_APP")
                    && event.path("sourceEventType").asString("").contains("TaskCreated")) {
                pending.add(new Pending(event.path("sourceEventId").asString(), occurred(event), seen));
            }
        }
    }

    private void resolve(long now) {
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            var p = it.next();
            Hop task = taskEvents.get(p.taskEventId());
            Long seq = task == null ? null : seqByDealEvent.get(task.id());
            if (seq != null) {
                Hop deal = dealEvents.get(task.id());
                var d = new Done(
                        deal.savedMicros(),
                        deal.seenMicros(),
                        task.savedMicros(),
                        task.seenMicros(),
                        p.storedMicros(),
                        p.seenMicros());
                if (done.putIfAbsent(seq, d) == null) {
                    completed.incrementAndGet();
                }
                it.remove();
            } else if (now - p.seenMicros() > 120_000_000L) {
                it.remove(); // a notification of something else
            }
        }
    }

    /** Changes seen through to their in-app notification so far. */
    long completed() {
        return completed.get();
    }

    Done done(long seq) {
        return done.get(seq);
    }

    private static long occurred(JsonNode event) {
        return micros(Instant.parse(event.path("occurredAt").asString()));
    }

    static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
