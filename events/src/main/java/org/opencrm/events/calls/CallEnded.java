package org.opencrm.events.calls;

import java.time.Instant;
import java.util.List;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Direction;
import org.opencrm.events.Required;

/**
 * The PBX reported the end of a call. It repeats direction, operator and cards from {@link CallStarted}
 * so that a consumer can act on it alone: the call-back rule turns a missed inbound call
 * ({@code answered=false}) into a task without having stored the start. The recording's URL stays on
 * the logged interaction: a voice recording is personal data.
 *
 * @param durationSeconds talk time as the PBX reports it; 0 for a call nobody answered
 * @param interactionId the CALL interaction logged on the first matched card; null for an unknown caller
 *     without a card
 */
public record CallEnded(
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
        @Required Instant startedAt,
        @Required Instant endedAt,
        long durationSeconds,
        boolean answered,
        String interactionId)
        implements CrmEvent {}
