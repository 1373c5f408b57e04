package org.opencrm.contacts.activity;

import java.time.Instant;
import java.util.Map;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A deal or task event on a client's timeline. {@code _id} is derived from the event, so a redelivered event
 * adds nothing.
 *
 * @param kind {@code DEAL} or {@code TASK}
 * @param type the event's name, e.g. {@code DealStageChanged}
 * @param text the deal or task title, or the mover's comment; may name the client, so it is erased with the card
 * @param facts non-personal details: stages, amounts, due times, outcomes
 */
@Document("activity_timeline")
public record ActivityEntry(
        @Id String id,
        String tenantId,
        String contactId,
        Instant at,
        String kind,
        String type,
        String dealId,
        String taskId,
        String text,
        Map<String, Object> facts) {}
