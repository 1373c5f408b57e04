package org.opencrm.platform.outbox;

import java.time.Clock;
import java.util.Set;
import java.util.function.Supplier;
import org.bson.Document;
import org.springframework.core.Ordered;
import org.springframework.data.mongodb.core.mapping.event.AfterSaveCallback;
import org.springframework.data.mongodb.core.mapping.event.BeforeConvertCallback;

/**
 * Hooks the outbox into every save of an {@link AggregateRoot}: before the write, new events get the
 * caller's trace context and the pending marker is touched (so a crash right after the write still leaves
 * a trace for the sweeper); after the write, the relay is nudged to publish at once.
 */
class OutboxEntityCallbacks implements BeforeConvertCallback<AggregateRoot>, AfterSaveCallback<AggregateRoot>, Ordered {

    /**
     * Aggregates whose markers an {@link AggregateBatchWriter} touched in bulk before writing them on this
     * thread: their callbacks neither touch the marker again nor nudge the relay one by one.
     */
    private static final ThreadLocal<Set<AggregateRoot>> MARKERS_TOUCHED = new ThreadLocal<>();

    static <T> T withMarkersTouched(Set<AggregateRoot> aggregates, Supplier<T> write) {
        var outer = MARKERS_TOUCHED.get();
        MARKERS_TOUCHED.set(aggregates);
        try {
            return write.get();
        } finally {
            MARKERS_TOUCHED.set(outer);
        }
    }

    private static boolean markerTouched(AggregateRoot aggregate) {
        var touched = MARKERS_TOUCHED.get();
        return touched != null && touched.contains(aggregate);
    }

    /** Looked up on first use: the relay needs the MongoTemplate, whose converter needs these callbacks. */
    private final Supplier<OutboxRelay> relay;

    private final Supplier<String> currentTraceparent;
    private final Clock clock;

    OutboxEntityCallbacks(Supplier<OutboxRelay> relay, Supplier<String> currentTraceparent, Clock clock) {
        this.relay = relay;
        this.currentTraceparent = currentTraceparent;
        this.clock = clock;
    }

    @Override
    public AggregateRoot onBeforeConvert(AggregateRoot aggregate, String collection) {
        if (aggregate.hasRecordedSinceLoad()) {
            String traceparent = currentTraceparent.get();
            if (traceparent != null) {
                aggregate.replaceOutbox(aggregate.getOutbox().stream()
                        .map(e -> e.traceparent() == null ? e.withTraceparent(traceparent) : e)
                        .toList());
            }
            if (!markerTouched(aggregate)) {
                relay.get().markers().touch(collection, aggregate.getId(), clock.instant());
            }
        }
        return aggregate;
    }

    @Override
    public AggregateRoot onAfterSave(AggregateRoot aggregate, Document document, String collection) {
        if (aggregate.hasRecordedSinceLoad()) {
            aggregate.markHandedToRelay();
            if (markerTouched(aggregate)) {
                return aggregate;
            }
            relay.get().nudge(PendingMarkers.markerId(collection, aggregate.getId()));
        }
        return aggregate;
    }

    @Override
    public int getOrder() {
        // After auditing and id callbacks: the marker must name the final id.
        return Ordered.LOWEST_PRECEDENCE;
    }
}
