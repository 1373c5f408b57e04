package org.opencrm.platform.outbox;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.opencrm.platform.events.EventRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.mongodb.core.BulkOperations;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/**
 * Publishes the events waiting in aggregates' outboxes, then removes exactly the ones the broker
 * acknowledged. Started on every service instance: a relay claims an aggregate's pending marker before it
 * publishes, so one aggregate is published by one relay at a time and its events reach Kafka in
 * {@code aggregateVersion} order, however many instances run. The producer must be idempotent with
 * {@code acks=all} (the auto-configuration builds it so).
 *
 * <p>Delivery is at least once: a crash between the broker's acknowledgement and the removal publishes
 * those events again after the restart; consumers are idempotent for that reason.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final int MAX_ROUNDS_PER_CLAIM = 10;
    /** The most nudged markers one relay thread claims and publishes together. */
    static final int NUDGE_BATCH = 100;

    private static final Duration SWEEP_BUDGET = Duration.ofSeconds(5);
    private static final Duration STOP_GRACE = Duration.ofSeconds(3);

    private final MongoTemplate mongo;
    private final PendingMarkers markers;
    private final KafkaTemplate<String, String> kafka;
    private final OutboxProperties properties;
    private final String source;
    private final Clock clock;
    private final String relayId;

    private final Counter published;
    private final Counter failures;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong lagMillis = new AtomicLong();

    private volatile ThreadPoolExecutor workers;
    private final LinkedBlockingQueue<String> nudged = new LinkedBlockingQueue<>(10_000);
    private final AtomicInteger drainers = new AtomicInteger();
    private volatile ScheduledExecutorService sweeper;

    public OutboxRelay(
            MongoTemplate mongo,
            KafkaTemplate<String, String> kafka,
            OutboxProperties properties,
            String source,
            Clock clock,
            MeterRegistry meters) {
        this.mongo = mongo;
        this.markers = new PendingMarkers(mongo, properties.markersCollection());
        this.kafka = kafka;
        this.properties = properties;
        this.source = source;
        this.clock = clock;
        this.relayId = relayId();
        this.published = Counter.builder("crm.outbox.published")
                .description("Events the broker acknowledged")
                .register(meters);
        this.failures = Counter.builder("crm.outbox.publish.failures")
                .description("Publish attempts that failed and will be retried")
                .register(meters);
        Gauge.builder("crm.outbox.pending", pending, AtomicLong::get)
                .description("Aggregates that may hold unpublished events")
                .register(meters);
        Gauge.builder("crm.outbox.lag", lagMillis, v -> v.get() / 1000.0)
                .description("Age in seconds of the oldest pending marker")
                .baseUnit("seconds")
                .register(meters);
    }

    PendingMarkers markers() {
        return markers;
    }

    Duration markerGrace() {
        return properties.markerGrace();
    }

    /**
     * Asks for prompt publication of one aggregate's events; the sweeper catches anything missed. The marker joins
     * a queue that the relay threads drain in small batches ({@link #drainNudged}): at a low write rate each batch
     * holds the one marker and is published at once; when saves come faster than one publish at a time, the ones
     * that arrived meanwhile go together, for a fixed number of round trips per batch instead of per aggregate.
     */
    void nudge(String markerId) {
        var pool = workers;
        if (pool == null) {
            return;
        }
        if (!nudged.offer(markerId)) {
            return; // a full queue drops the nudge: the marker is still there and the sweeper publishes it
        }
        startDrainer(pool);
    }

    /** Starts one more thread draining the nudges, unless every relay thread already does. */
    private void startDrainer(ThreadPoolExecutor pool) {
        while (true) {
            int running = drainers.get();
            if (running >= properties.threads()) {
                return;
            }
            if (drainers.compareAndSet(running, running + 1)) {
                pool.execute(this::drainNudged);
                return;
            }
        }
    }

    /**
     * Publishes the nudged markers, at most {@link #NUDGE_BATCH} at a time, until the queue is empty. A marker
     * nudged twice (two saves of one aggregate) may sit in two batches: only one of them can hold its lease, and
     * that one goes round again when it sees the second touch, exactly as for a single marker.
     */
    private void drainNudged() {
        try {
            while (true) {
                var batch = new LinkedHashSet<String>();
                String next;
                while (batch.size() < NUDGE_BATCH && (next = nudged.poll()) != null) {
                    batch.add(next);
                }
                if (batch.isEmpty()) {
                    return;
                }
                try {
                    String owner = newOwner();
                    var ids = List.copyOf(batch);
                    publishClaimed(
                            markers.claimAll(ids, owner, clock.instant(), properties.lease())
                                    .values(),
                            owner);
                } catch (RuntimeException e) {
                    // The markers stay; the sweeper takes them once their grace is over.
                    log.warn("Outbox publish of {} nudged markers failed: {}", batch.size(), rootMessage(e));
                }
            }
        } finally {
            drainers.decrementAndGet();
            // A nudge that came after the last poll but saw every drainer still busy would wait for the sweeper.
            var pool = workers;
            if (pool != null && !nudged.isEmpty()) {
                startDrainer(pool);
            }
        }
    }

    /**
     * Asks for prompt publication of the aggregates one {@link AggregateBatchWriter} call wrote: their
     * markers carry its batch token and are claimed and published together ({@link #publishClaimed}).
     */
    void nudgeBatch(String batch) {
        var pool = workers;
        if (pool != null) {
            pool.execute(() -> {
                String owner = newOwner();
                publishClaimed(
                        markers.claimBatch(batch, owner, clock.instant(), properties.lease())
                                .values(),
                        owner);
            });
        }
    }

    /**
     * Publishes whatever the markers left behind say is waiting, batch after batch while there is more and
     * for at most a few seconds (a bulk import leaves many at once); returns how many markers it handled.
     */
    public int sweep() {
        long deadline = System.nanoTime() + SWEEP_BUDGET.toNanos();
        int handled = 0;
        int claimed;
        do {
            Instant now = clock.instant();
            String owner = newOwner();
            var due = markers.claimDue(
                    owner, now, now.minus(properties.markerGrace()), properties.sweepBatch(), properties.lease());
            publishClaimed(due.values(), owner);
            claimed = due.size();
            handled += claimed;
        } while (claimed >= properties.sweepBatch() && System.nanoTime() < deadline);
        pending.set(markers.count());
        lagMillis.set(markers.oldestTouch()
                .map(t -> Duration.between(t, clock.instant()).toMillis())
                .orElse(0L));
        return handled;
    }

    /** Publishes one aggregate's waiting events if no other relay holds it. */
    void publish(String markerId) {
        var claim = markers.claim(markerId, relayId, clock.instant(), properties.lease());
        if (claim.isEmpty()) {
            return;
        }
        var current = claim.get();
        try {
            for (int round = 0; round < MAX_ROUNDS_PER_CLAIM; round++) {
                var published = publishOutbox(current);
                if (published.isEmpty()) {
                    return;
                }
                current = published.get();
                var reread = markers.reread(markerId, relayId);
                if (reread.isEmpty()) {
                    return;
                }
                if (reread.get().generation() != current.generation()) {
                    current = reread.get(); // a writer added events meanwhile: go round again
                    continue;
                }
                Instant settled = clock.instant().minus(properties.markerGrace());
                if (!markers.deleteIfSettled(current, relayId, settled)) {
                    markers.release(markerId, relayId);
                }
                return;
            }
            markers.release(markerId, relayId);
        } catch (RuntimeException e) {
            retryLater(current, relayId, e);
        }
    }

    /**
     * {@link #publish} for many aggregates at once, with the same guarantees and a fixed number of round trips
     * per batch instead of per aggregate. The markers were claimed in one query under {@code owner}, a name
     * unique to this batch (so two batches of this relay never share a claim); then one read of their
     * aggregates' outboxes per collection, every send followed by one producer flush, one bulk write each to
     * advance the markers' watermarks and to pull the acknowledged entries, one re-read of the markers, one
     * delete of the settled ones and one release of the rest. An aggregate a writer touched meanwhile goes
     * round again.
     */
    void publishClaimed(Collection<PendingMarkers.Claim> claims, String owner) {
        Collection<PendingMarkers.Claim> current = claims;
        if (current.isEmpty()) {
            return;
        }
        var claimed = claims.stream().map(PendingMarkers.Claim::markerId).toList();
        try {
            for (int round = 0; round < MAX_ROUNDS_PER_CLAIM; round++) {
                var done = publishOutboxes(current, owner);
                if (done.isEmpty()) {
                    return;
                }
                current = done;
                var reread = markers.held(
                        owner, done.stream().map(PendingMarkers.Claim::markerId).toList());
                var settled = new ArrayList<PendingMarkers.Claim>();
                var again = new ArrayList<PendingMarkers.Claim>();
                for (var claim : done) {
                    var now = reread.get(claim.markerId());
                    if (now == null) {
                        continue; // the lease ran out and another relay has it
                    }
                    if (now.generation() != claim.generation()) {
                        again.add(now); // a writer added events meanwhile: go round again
                    } else {
                        settled.add(claim);
                    }
                }
                if (again.isEmpty()) {
                    markers.settleAll(settled, owner, clock.instant().minus(properties.markerGrace()));
                    return;
                }
                // Settle these now; the others are still held and go round again under the same owner.
                settleWithout(settled, again, owner);
                current = again;
            }
            markers.releaseAll(owner, claimed);
        } catch (RuntimeException e) {
            for (var claim : current) {
                retryLater(claim, owner, e);
            }
        }
    }

    private void settleWithout(List<PendingMarkers.Claim> settled, List<PendingMarkers.Claim> again, String owner) {
        Instant touchedBefore = clock.instant().minus(properties.markerGrace());
        for (var claim : settled) {
            if (!markers.deleteIfSettled(claim, owner, touchedBefore)) {
                markers.release(claim.markerId(), owner);
            }
        }
    }

    private String newOwner() {
        return relayId + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** One batch's sends and acknowledgements, per aggregate. */
    private record Batch(
            PendingMarkers.Claim claim,
            List<OutboxEntry> stored,
            List<OutboxEntry> entries,
            List<CompletableFuture<SendResult<String, String>>> sends) {}

    /**
     * {@link #publishOutbox} for many claims: returns the claims whose sends were all acknowledged, with their
     * new watermarks; the others are released for a retry.
     */
    private List<PendingMarkers.Claim> publishOutboxes(Collection<PendingMarkers.Claim> claims, String owner) {
        var stored = loadAll(claims);
        var batches = new ArrayList<Batch>(claims.size());
        boolean sent = false;
        for (var claim : claims) {
            var all = stored.getOrDefault(claim.markerId(), List.of());
            var entries = all.stream()
                    .filter(e -> e.aggregateVersion() > claim.publishedThrough())
                    .toList();
            var sends = new ArrayList<CompletableFuture<SendResult<String, String>>>(entries.size());
            for (OutboxEntry entry : entries) {
                sends.add(kafka.send(toRecord(entry)));
                sent = true;
            }
            batches.add(new Batch(claim, all, entries, sends));
        }
        if (sent) {
            kafka.flush();
        }
        var done = new ArrayList<PendingMarkers.Claim>(claims.size());
        var failed = new LinkedHashMap<PendingMarkers.Claim, RuntimeException>();
        var advanced = new LinkedHashMap<String, Long>();
        var pulls = new LinkedHashMap<String, Map<String, Long>>();
        long deadline = System.nanoTime() + properties.sendTimeout().toNanos();
        for (var batch : batches) {
            var claim = batch.claim();
            long through = claim.publishedThrough();
            RuntimeException failure = null;
            for (int i = 0; i < batch.sends().size() && failure == null; i++) {
                try {
                    batch.sends().get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    through = batch.entries().get(i).aggregateVersion();
                    published.increment();
                } catch (ExecutionException | TimeoutException e) {
                    failure = new IllegalStateException(
                            "publishing " + batch.entries().get(i).type() + " failed", e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = new IllegalStateException("interrupted while publishing", e);
                }
            }
            if (through > claim.publishedThrough()) {
                advanced.put(claim.markerId(), through);
            }
            long acknowledged = through;
            if (batch.stored().stream().anyMatch(e -> e.aggregateVersion() <= acknowledged)) {
                pulls.computeIfAbsent(claim.collection(), c -> new LinkedHashMap<>())
                        .put(claim.aggregateId(), through);
            }
            if (failure != null) {
                failed.put(claim, failure);
            } else {
                done.add(claim.publishedThrough(through));
            }
        }
        // As for one aggregate: the watermark is stored before the acknowledged entries are removed.
        markers.advanceAll(advanced);
        pulls.forEach((collection, throughById) -> {
            var bulk = mongo.bulkOps(BulkOperations.BulkMode.UNORDERED, collection);
            throughById.forEach((aggregateId, through) -> bulk.updateOne(
                    new Query(where("_id").is(aggregateId)),
                    new Update().pull("outbox", new Document("aggregateVersion", new Document("$lte", through)))));
            bulk.execute();
        });
        failed.forEach((claim, failure) -> retryLater(claim, owner, failure));
        return done;
    }

    /** The outboxes of many claims' aggregates, one read per collection: marker id to entries, oldest first. */
    private Map<String, List<OutboxEntry>> loadAll(Collection<PendingMarkers.Claim> claims) {
        var byCollection = new LinkedHashMap<String, List<PendingMarkers.Claim>>();
        claims.forEach(c -> byCollection
                .computeIfAbsent(c.collection(), k -> new ArrayList<>())
                .add(c));
        var result = new HashMap<String, List<OutboxEntry>>();
        byCollection.forEach((collection, ofCollection) -> {
            var query = new Query(where("_id")
                    .in(ofCollection.stream()
                            .map(PendingMarkers.Claim::aggregateId)
                            .toList()));
            query.fields().include("outbox");
            var outboxes = new HashMap<String, List<OutboxEntry>>();
            for (Document aggregate : mongo.find(query, Document.class, collection)) {
                outboxes.put(aggregate.get("_id").toString(), entries(aggregate));
            }
            for (var claim : ofCollection) {
                result.put(claim.markerId(), outboxes.getOrDefault(claim.aggregateId(), List.of()));
            }
        });
        return result;
    }

    private List<OutboxEntry> entries(Document aggregate) {
        var outbox = aggregate.getList("outbox", Document.class);
        if (outbox == null) {
            return List.of();
        }
        return outbox.stream()
                .map(d -> mongo.getConverter().read(OutboxEntry.class, d))
                .sorted(Comparator.comparingLong(OutboxEntry::aggregateVersion))
                .toList();
    }

    private org.apache.kafka.clients.producer.ProducerRecord<String, String> toRecord(OutboxEntry entry) {
        return EventRecords.toRecord(
                entry.topic(),
                entry.key(),
                entry.eventId(),
                entry.type(),
                entry.occurredAt(),
                entry.tenantId(),
                entry.payload(),
                source,
                entry.traceparent());
    }

    /**
     * Publishes the entries above the claim's watermark, then removes everything up to the new watermark
     * from the aggregate. Returns the claim with its new watermark, or empty when publishing failed and the
     * marker was released for a later retry.
     */
    private Optional<PendingMarkers.Claim> publishOutbox(PendingMarkers.Claim claim) {
        List<OutboxEntry> stored = load(claim);
        if (stored.isEmpty()) {
            return Optional.of(claim);
        }
        List<OutboxEntry> entries = stored.stream()
                .filter(e -> e.aggregateVersion() > claim.publishedThrough())
                .toList();
        List<CompletableFuture<SendResult<String, String>>> sends = new ArrayList<>(entries.size());
        for (OutboxEntry entry : entries) {
            sends.add(kafka.send(toRecord(entry)));
        }
        // Only the acknowledged prefix counts as published: with an idempotent producer a later record of
        // the same partition is never written when an earlier one failed, so the rest is retried in order.
        long through = claim.publishedThrough();
        RuntimeException failure = null;
        long deadline = System.nanoTime() + properties.sendTimeout().toNanos();
        for (int i = 0; i < sends.size() && failure == null; i++) {
            try {
                sends.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                through = entries.get(i).aggregateVersion();
                published.increment();
            } catch (ExecutionException | TimeoutException e) {
                failure =
                        new IllegalStateException("publishing " + entries.get(i).type() + " failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = new IllegalStateException("interrupted while publishing", e);
            }
        }
        if (through > claim.publishedThrough()) {
            markers.advance(claim.markerId(), relayId, through);
        }
        if (through > 0) {
            mongo.updateFirst(
                    new Query(where("_id").is(claim.aggregateId())),
                    new Update().pull("outbox", new Document("aggregateVersion", new Document("$lte", through))),
                    claim.collection());
        }
        if (failure != null) {
            retryLater(claim, relayId, failure);
            return Optional.empty();
        }
        return Optional.of(claim.publishedThrough(through));
    }

    private List<OutboxEntry> load(PendingMarkers.Claim claim) {
        var query = new Query(where("_id").is(claim.aggregateId()));
        query.fields().include("outbox");
        Document aggregate = mongo.findOne(query, Document.class, claim.collection());
        return aggregate == null ? List.of() : entries(aggregate);
    }

    private void retryLater(PendingMarkers.Claim claim, String owner, RuntimeException e) {
        failures.increment();
        long factor = 1L << Math.min(claim.attempts(), 16);
        Duration delay = properties.retryBackoff().multipliedBy(factor);
        if (delay.compareTo(properties.retryBackoffMax()) > 0) {
            delay = properties.retryBackoffMax();
        }
        log.warn(
                "Outbox publish of {} failed (attempt {}), retrying in {}: {}",
                claim.markerId(),
                claim.attempts() + 1,
                delay,
                rootMessage(e));
        try {
            markers.releaseForRetry(
                    claim.markerId(),
                    owner,
                    clock.instant().plus(delay),
                    e.getClass().getSimpleName());
        } catch (RuntimeException releaseFailure) {
            // The lease expires by itself; another relay (or this one) takes the marker over then.
            log.warn("Could not release outbox marker {}: {}", claim.markerId(), rootMessage(releaseFailure));
        }
    }

    @Override
    public void start() {
        if (!properties.enabled() || isRunning()) {
            return;
        }
        drainers.set(0); // a drainer a stopped pool never ran must not count

        markers.ensureIndexes();
        workers = new ThreadPoolExecutor(
                properties.threads(),
                properties.threads(),
                0,
                TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(10_000),
                Thread.ofPlatform().name("outbox-relay-", 0).daemon().factory(),
                // A full queue drops the nudge: the marker is still there and the sweeper publishes it.
                new ThreadPoolExecutor.DiscardPolicy());
        sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("outbox-sweeper").daemon().factory());
        long interval = properties.sweepInterval().toMillis();
        sweeper.scheduleWithFixedDelay(this::sweepQuietly, interval, interval, TimeUnit.MILLISECONDS);
        log.info("Outbox relay {} started", relayId);
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            log.warn("Outbox sweep failed: {}", rootMessage(e));
        }
    }

    @Override
    public void stop() {
        var pool = workers;
        var timer = sweeper;
        workers = null;
        sweeper = null;
        if (timer != null) {
            timer.shutdownNow();
        }
        if (pool != null) {
            pool.shutdown();
            try {
                // A send stuck on an unreachable broker must not eat the whole shutdown grace period.
                // Abandoning it is safe: its marker stays pending and is published again after a restart
                // or by another instance once the lease runs out (at-least-once, consumers deduplicate).
                if (!pool.awaitTermination(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.info("Outbox relay {} stopping with sends in flight; they stay pending", relayId);
                    pool.shutdownNow();
                    pool.awaitTermination(1, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return workers != null;
    }

    @Override
    public int getPhase() {
        // Stops before the Kafka producer and the Mongo client it uses.
        return SmartLifecycle.DEFAULT_PHASE - 100;
    }

    private static String relayId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
