package org.opencrm.contacts.card;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import org.opencrm.events.Direction;
import org.opencrm.events.contacts.InteractionType;

record InteractionInput(
        @NotNull InteractionType type,
        Direction direction,
        Instant occurredAt,
        @PositiveOrZero Long durationSeconds,
        @Size(max = 50) String channel,
        @Size(max = 10000) String summary,
        @Size(max = 50) String outcome,
        @Size(max = 64) String userId,
        @Size(max = 64) String dealId,
        @Size(max = 50) String appealTopic,
        @Size(max = 2000) String appealText) {}
