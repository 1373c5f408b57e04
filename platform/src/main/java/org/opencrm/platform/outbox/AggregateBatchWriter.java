package org.opencrm.platform.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * Inserts many new aggregates with the guarantees of a single save at a fraction of its round trips: ONE bulk
 * write touches the pending markers of all of them (before the aggregates are written, as a single save
 * does), one {@code insertMany} stores them with their outboxes, and the relay is nudged to publish them in
 * batches ({@link OutboxRelay#publishClaimed}). A single save costs a marker write per aggregate and a claim,
 * read, advance, pull and settle per aggregate on the relay's side; a bulk import of thousands of aggregates
 * spends most of its time there otherwise.
 *
 * <p>A crash at any point loses nothing: markers touched for aggregates that were never written are
 * deleted by the sweeper, written aggregates are found by their markers. The insert has the semantics of
 * {@link MongoTemplate#insertAll}: ordered, so a duplicate key stops it at that aggregate with a
 * {@link org.springframework.dao.DuplicateKeyException}; the relay is nudged all the same.
 */
public class AggregateBatchWriter {

    private final MongoTemplate mongo;
    private final Supplier<OutboxRelay> relay;
    private final Clock clock;

    public AggregateBatchWriter(MongoTemplate mongo, Supplier<OutboxRelay> relay, Clock clock) {
        this.mongo = mongo;
        this.relay = relay;
        this.clock = clock;
    }

    /** Inserts new aggregates (none may exist yet) and returns them as saved. */
    public <T extends AggregateRoot> Collection<T> insertAll(Collection<? extends T> aggregates) {
        if (aggregates.isEmpty()) {
            return List.of();
        }
        var byCollection = new LinkedHashMap<String, List<String>>();
        Set<AggregateRoot> touched = Collections.newSetFromMap(new IdentityHashMap<>());
        for (T aggregate : aggregates) {
            if (aggregate.hasRecordedSinceLoad()) {
                byCollection
                        .computeIfAbsent(mongo.getCollectionName(aggregate.getClass()), c -> new ArrayList<>())
                        .add(aggregate.getId());
                touched.add(aggregate);
            }
        }
        var markers = relay.get().markers();
        String batch = UUID.randomUUID().toString();
        Instant touchedAt = clock.instant();
        byCollection.forEach((collection, ids) -> markers.touchAll(collection, ids, batch, touchedAt));
        try {
            return OutboxEntityCallbacks.withMarkersTouched(touched, () -> mongo.insertAll(aggregates));
        } finally {
            // A sweeper takes a marker untouched for the grace period and deletes it when its aggregate holds no
            // events: right if the writer died, wrong if the write is merely slow (a big batch on a loaded
            // machine), because the events then land with no marker left and are never published. A write that
            // took half the grace or more touches its markers again: a marker deleted meanwhile is back, and a
            // relay holding one sees the new generation and goes round again.
            if (Duration.between(touchedAt, clock.instant())
                            .compareTo(relay.get().markerGrace().dividedBy(2))
                    >= 0) {
                byCollection.forEach((collection, ids) -> markers.touchAll(collection, ids, batch, clock.instant()));
            }
            relay.get().nudgeBatch(batch);
        }
    }
}
