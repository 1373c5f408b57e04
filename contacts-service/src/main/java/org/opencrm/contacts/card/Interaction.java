package org.opencrm.contacts.card;

import java.time.Instant;
import org.opencrm.events.Direction;
import org.opencrm.events.contacts.InteractionType;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * An entry of a client's history. Summary, appeal text and a call's recording are the client's words:
 * erased with the card.
 */
@Document("interactions")
record Interaction(
        @Id String id,
        String tenantId,
        String contactId,
        InteractionType type,
        Direction direction,
        Instant occurredAt,
        Long durationSeconds,
        String channel,
        String summary,
        String outcome,
        String userId,
        String dealId,
        String appealTopic,
        String appealText,
        Instant loggedAt,
        String loggedBy,
        String recordingUrl) {

    Interaction erased() {
        return new Interaction(
                id,
                tenantId,
                contactId,
                type,
                direction,
                occurredAt,
                durationSeconds,
                channel,
                null,
                outcome,
                userId,
                dealId,
                appealTopic,
                null,
                loggedAt,
                loggedBy,
                null);
    }
}
