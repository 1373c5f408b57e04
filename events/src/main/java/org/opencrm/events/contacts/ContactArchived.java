package org.opencrm.events.contacts;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;

/**
 * A card was archived (the API's DELETE): hidden from lists and lookups but kept, and restorable. Other
 * services keep their data about the client; they only stop offering the card, e.g. in screen pops or
 * campaign segments.
 */
public record ContactArchived(
        String eventId, String tenantId, String aggregateId, long aggregateVersion, Instant occurredAt, Actor actor)
        implements CrmEvent {}
