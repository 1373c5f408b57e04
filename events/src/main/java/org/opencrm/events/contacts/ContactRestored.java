package org.opencrm.events.contacts;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;

/**
 * An archived card was restored. Exists because archiving is reversible: without it a consumer that
 * reacted to {@link ContactArchived} could never undo that reaction.
 */
public record ContactRestored(
        String eventId, String tenantId, String aggregateId, long aggregateVersion, Instant occurredAt, Actor actor)
        implements CrmEvent {}
