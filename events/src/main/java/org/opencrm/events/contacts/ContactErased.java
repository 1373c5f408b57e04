package org.opencrm.events.contacts;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;

/**
 * A client's personal data was erased on request. Every service must delete or overwrite what it holds
 * about this card (copied {@link ContactDetails}, names in rendered documents' metadata, message
 * addresses) and keep only ids and non-personal facts; notifications never message the client again.
 * The event carries nothing but the id, so it holds no personal data itself and can be replayed forever.
 */
public record ContactErased(
        String eventId, String tenantId, String aggregateId, long aggregateVersion, Instant occurredAt, Actor actor)
        implements CrmEvent {}
