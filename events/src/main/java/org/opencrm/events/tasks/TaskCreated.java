package org.opencrm.events.tasks;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Required;

/**
 * A task was created: by a user, as the next step of a completed task, or by an automation rule.
 * Notifications tells the assignee, contacts shows it on the client's timeline and screen pop (next open
 * task), analytics counts it.
 *
 * @param title what to do. It may name the client; it is here because the assignee's notification must
 *     say it. Analytics must not store it
 * @param type {@code CALL}, {@code MEETING}, {@code EMAIL}, {@code VISIT}, {@code MEASUREMENT},
 *     {@code INSTALLATION}, {@code OTHER} or a tenant-defined type, hence a string
 * @param assigneeId null only while a rule found nobody to assign; the task is then in its department's
 *     queue
 * @param departmentId the team (a department) the task belongs to: visibility, escalation to the head
 * @param priority tasks-service's priority value, e.g. {@code NORMAL}
 * @param ruleId the automation rule that created the task, null for manual tasks
 * @param sourceEventId the event that triggered the rule or, for a next step, null; tasks-service makes
 *     "one task per source event and rule" idempotent by it
 */
public record TaskCreated(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        String title,
        @Required String type,
        String assigneeId,
        String departmentId,
        Instant dueAt,
        String priority,
        String dealId,
        String contactId,
        String ruleId,
        String sourceEventId)
        implements CrmEvent {}
