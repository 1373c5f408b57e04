package org.opencrm.platform.outbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.EventCatalog;
import org.opencrm.events.EventType;
import org.opencrm.platform.events.EventJson;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Transient;
import org.springframework.data.annotation.Version;

/**
 * Base of every document that publishes events. The aggregate decides and records its events; they are
 * stored in its own {@code outbox} array in the same single-document write as the change (no multi-document
 * transaction needed), and the {@link OutboxRelay} publishes and removes them afterwards.
 *
 * <p>Save aggregates with {@code MongoTemplate.save/insert} or a repository: the outbox hooks run as
 * entity callbacks there. An update that bypasses them ({@code updateFirst}) must not record events.
 */
public abstract class AggregateRoot {

    @Id
    private String id;

    private String tenantId;

    /** Optimistic lock, and the value of the ETag clients send back in If-Match. */
    @Version
    private Long version;

    /** The aggregateVersion of the last event recorded; events carry this +1. */
    private long eventSequence;

    private List<OutboxEntry> outbox = new ArrayList<>();

    @Transient
    private boolean recordedSinceLoad;

    protected AggregateRoot() {}

    protected AggregateRoot(String id, String tenantId) {
        this.id = id;
        this.tenantId = tenantId;
    }

    /** A fresh aggregate id; ids are assigned before the first save because events carry them. */
    protected static String newId() {
        return UUID.randomUUID().toString();
    }

    public String getId() {
        return id;
    }

    public String getTenantId() {
        return tenantId;
    }

    public Long getVersion() {
        return version;
    }

    public long getEventSequence() {
        return eventSequence;
    }

    /** Events recorded but not yet published, oldest first. */
    public List<OutboxEntry> getOutbox() {
        return Collections.unmodifiableList(outbox);
    }

    /** The envelope for the next event, occurring now. */
    protected EventEnvelope nextEvent(Actor actor) {
        return nextEvent(actor, Instant.now());
    }

    protected EventEnvelope nextEvent(Actor actor, Instant occurredAt) {
        return new EventEnvelope(UUID.randomUUID().toString(), tenantId, id, eventSequence + 1, occurredAt, actor);
    }

    /**
     * Appends an event to the outbox. It must carry this aggregate's id and tenant and the next version
     * (take its envelope from {@link #nextEvent}); anything else would break the consumers' ordering.
     */
    protected <E extends CrmEvent> E record(E event) {
        if (!id.equals(event.aggregateId()) || !tenantId.equals(event.tenantId())) {
            throw new IllegalArgumentException("event " + event.getClass().getSimpleName()
                    + " does not belong to aggregate " + id + " of tenant " + tenantId);
        }
        if (event.aggregateVersion() != eventSequence + 1) {
            throw new IllegalArgumentException("event version " + event.aggregateVersion() + " is not the next one ("
                    + (eventSequence + 1) + "): take its envelope from nextEvent()");
        }
        EventType<?> type = EventCatalog.of(event.getClass());
        outbox.add(new OutboxEntry(
                event.eventId(),
                type.type(),
                type.topic(),
                id,
                event.aggregateVersion(),
                event.occurredAt(),
                tenantId,
                EventJson.write(event),
                null));
        eventSequence = event.aggregateVersion();
        recordedSinceLoad = true;
        return event;
    }

    boolean hasRecordedSinceLoad() {
        return recordedSinceLoad;
    }

    void markHandedToRelay() {
        recordedSinceLoad = false;
    }

    void replaceOutbox(List<OutboxEntry> entries) {
        outbox = new ArrayList<>(entries);
    }
}
