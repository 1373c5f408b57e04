package org.opencrm.platform.consumer;

import io.micrometer.tracing.Tracer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bson.Document;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.platform.events.EventRecords;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * A consumer written the way services write theirs: decode, then apply each effect idempotently. Its three
 * effects cover the three idempotent writes: a per-deal view (version gate), a per-tenant counter (event id
 * recorded with the effect) and one task per event (id derived from the event).
 */
class DealProjectionListener {

    static final String TOPIC = "crm.consumer-kit-test.v1";
    static final String FAILING_STAGE = "downstream-unavailable";
    /** A stage whose record finds the database unreachable for its first {@link #OUTAGE_ATTEMPTS} tries. */
    static final String OUTAGE_STAGE = "database-outage";

    static final int OUTAGE_ATTEMPTS = 6;

    final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    final Map<String, String> traceIds = new ConcurrentHashMap<>();

    private final IdempotentWrites writes;
    private final Tracer tracer;

    DealProjectionListener(IdempotentWrites writes, Tracer tracer) {
        this.writes = writes;
        this.tracer = tracer;
    }

    @KafkaListener(topics = TOPIC, groupId = "consumer-kit-test")
    void on(ConsumerRecord<String, String> record) {
        var span = tracer.currentSpan();
        var decoded = EventRecords.decode(record);
        if (decoded.isEmpty() || !(decoded.get() instanceof DealStageChanged moved)) {
            return;
        }
        attempts.computeIfAbsent(moved.eventId(), id -> new AtomicInteger()).incrementAndGet();
        if (span != null) {
            traceIds.put(moved.eventId(), span.context().traceId());
        }
        if (FAILING_STAGE.equals(moved.toStage())) {
            throw new IllegalStateException("the stage's downstream system is unavailable");
        }
        if (OUTAGE_STAGE.equals(moved.toStage())
                && attempts.get(moved.eventId()).get() <= OUTAGE_ATTEMPTS) {
            throw new DataAccessResourceFailureException("Timed out while waiting for a server (simulated outage)");
        }
        writes.applyIfNewer("deal_views", moved.aggregateId(), moved, new Update().set("stage", moved.toStage()));
        writes.applyOnce("stage_moves", moved.tenantId(), moved, new Update().inc("moves", 1));
        writes.insertOnce(
                new Document("_id", EventIds.derive(moved, "follow-up-task"))
                        .append("tenantId", moved.tenantId())
                        .append("dealId", moved.aggregateId()),
                "follow_up_tasks");
    }
}
