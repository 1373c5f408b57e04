package org.opencrm.events.calls;

import java.time.Instant;
import java.util.List;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Direction;
import org.opencrm.events.Required;

/**
 * The PBX announced a call. Notifications pushes it to the operator's browser as the screen pop, so it
 * must be small and fast to act on: the matched card ids, not the card. The caller's number is left out:
 * the operator's phone already shows it and analytics must not receive it.
 *
 * @param externalCallId the PBX's id of the call, for support and for matching PBX logs
 * @param operatorId the user the PBX routed the call to; the recipient of the screen pop
 * @param contactIds the cards matching the caller's number, best match first; empty for an unknown
 *     caller (unless the tenant lets the webhook create a card, then it is that card)
 */
public record CallStarted(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        @Required String externalCallId,
        @Required Direction direction,
        String operatorId,
        @Required List<String> contactIds,
        @Required Instant startedAt)
        implements CrmEvent {}
