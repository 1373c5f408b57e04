package org.opencrm.platform.outbox;

import java.time.Instant;
import org.opencrm.events.Actor;

/**
 * The envelope of the next event an aggregate records: pass its parts as the first six components of the
 * event record ({@code new DealStageChanged(e.eventId(), e.tenantId(), e.aggregateId(),
 * e.aggregateVersion(), e.occurredAt(), e.actor(), ...)}).
 */
public record EventEnvelope(
        String eventId, String tenantId, String aggregateId, long aggregateVersion, Instant occurredAt, Actor actor) {}
