package org.opencrm.events.contacts;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;

/** A client card was created. Carries no personal data beyond ids: consumers read the card if they need more. */
public record ContactCreated(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        String kind,
        String ownerId,
        String departmentId,
        String source)
        implements CrmEvent {}
