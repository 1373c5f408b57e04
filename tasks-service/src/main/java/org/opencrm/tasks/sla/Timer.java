package org.opencrm.tasks.sla;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One entry of the due index. Its id is {@code <kind>:<fireAt millis, zero-padded>:<subject>}, so "what is
 * due now" is a range read on {@code _id} that touches only entries due now, whatever the number of tasks
 * due later. Entries are hints: the handler re-checks the task (or deal) itself, so a stale entry (the due
 * time moved, the task closed) is simply dropped, and an entry written twice fires one effect.
 *
 * @param subject the task id, or the deal id for {@link TimerKind#NEXT_STEP}
 * @param dueAt the task's due time the entry was written for
 * @param assigneeId the assignee when the entry was written (the one an escalation moves the task from)
 */
@Document(Timer.COLLECTION)
record Timer(
        @Id String id,
        TimerKind kind,
        String tenantId,
        String subject,
        Instant fireAt,
        Instant dueAt,
        String assigneeId,
        Instant createdAt) {

    static final String COLLECTION = "due_index";

    static String id(TimerKind kind, Instant fireAt, String subject) {
        return prefix(kind) + String.format("%015d", Math.max(0, fireAt.toEpochMilli())) + ":" + subject;
    }

    static String prefix(TimerKind kind) {
        return kind.name() + ":";
    }

    /** The first id after every entry of this kind firing at or before {@code now}. */
    static String upperBound(TimerKind kind, Instant now) {
        return prefix(kind) + String.format("%015d", now.toEpochMilli()) + ";";
    }
}
