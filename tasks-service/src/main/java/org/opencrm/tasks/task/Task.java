package org.opencrm.tasks.task;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.opencrm.events.Actor;
import org.opencrm.events.tasks.ReassignmentReason;
import org.opencrm.events.tasks.TaskCancelled;
import org.opencrm.events.tasks.TaskCompleted;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.events.tasks.TaskDueSoon;
import org.opencrm.events.tasks.TaskOverdue;
import org.opencrm.events.tasks.TaskReassigned;
import org.opencrm.events.tasks.TaskUpdated;
import org.opencrm.platform.outbox.AggregateRoot;
import org.opencrm.platform.privacy.ClientNames;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A next step: something one person has to do by a due time, usually about a deal or a client. The task
 * decides its own transitions and records the event of each; the SLA marks ({@code dueSoonSentFor},
 * {@code overdueSentFor}, {@code reassignedFor}) hold the due time they were raised for, so each fires once
 * per due time even when several instances look at the task, and again after the due time moves.
 */
@Document(Task.COLLECTION)
public class Task extends AggregateRoot {

    public static final String COLLECTION = "tasks";

    private String title;
    private String type;
    private String assigneeId;
    private String departmentId;
    private Instant dueAt;
    private String priority;
    private String dealId;
    private String contactId;
    private TaskStatus status;
    private String outcome;
    private String nextStepTaskId;
    private boolean dealClosed;
    private String ruleId;
    private String sourceEventId;
    private Instant createdAt;
    private String createdBy;
    private Instant closedAt;
    private Instant dueSoonSentFor;
    private Instant overdueSentFor;
    private String assigneeWhenOverdue;
    private Instant reassignedFor;

    Task() {}

    private Task(String id, String tenantId) {
        super(id, tenantId);
    }

    /** The values a task is created with; ids are the caller's (an API request, a rule, a next step). */
    public record Draft(
            String title,
            String type,
            String assigneeId,
            String departmentId,
            Instant dueAt,
            String priority,
            String dealId,
            String contactId,
            String ruleId,
            String sourceEventId) {}

    public static String newTaskId() {
        return newId();
    }

    public static Task create(String id, String tenantId, Draft draft, Actor by, Instant now) {
        var task = new Task(id, tenantId);
        task.title = draft.title();
        task.type = draft.type();
        task.assigneeId = draft.assigneeId();
        task.departmentId = draft.departmentId();
        task.dueAt = draft.dueAt();
        task.priority = draft.priority() == null ? "NORMAL" : draft.priority();
        task.dealId = draft.dealId();
        task.contactId = draft.contactId();
        task.ruleId = draft.ruleId();
        task.sourceEventId = draft.sourceEventId();
        task.status = TaskStatus.OPEN;
        task.createdAt = now;
        task.createdBy = by.id();
        var e = task.nextEvent(by, now);
        task.record(new TaskCreated(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                task.title,
                task.type,
                task.assigneeId,
                task.departmentId,
                task.dueAt,
                task.priority,
                task.dealId,
                task.contactId,
                task.ruleId,
                task.sourceEventId));
        return task;
    }

    /** The editable details; a null component leaves the value as it is. */
    public record Changes(String title, String type, Instant dueAt, String priority, String dealId, String contactId) {}

    /** @return whether anything changed (no event is recorded for a no-op edit) */
    public boolean edit(Changes changes, Actor by, Instant now) {
        requireOpen();
        List<String> changed = new ArrayList<>();
        if (changes.title() != null && !changes.title().equals(title)) {
            title = changes.title();
            changed.add("title");
        }
        if (changes.type() != null && !changes.type().equals(type)) {
            type = changes.type();
            changed.add("type");
        }
        if (changes.dueAt() != null && !changes.dueAt().equals(dueAt)) {
            dueAt = changes.dueAt();
            changed.add("dueAt");
        }
        if (changes.priority() != null && !changes.priority().equals(priority)) {
            priority = changes.priority();
            changed.add("priority");
        }
        if (changes.dealId() != null && !changes.dealId().equals(dealId)) {
            dealId = changes.dealId();
            changed.add("dealId");
        }
        if (changes.contactId() != null && !changes.contactId().equals(contactId)) {
            contactId = changes.contactId();
            changed.add("contactId");
        }
        if (changed.isEmpty()) {
            return false;
        }
        recordUpdated(changed, by, now);
        return true;
    }

    /** The card this task is about was merged into another: the task follows the survivor. */
    public boolean followMergedContact(String mergedContactId, String survivorId, Actor by, Instant now) {
        if (!Objects.equals(contactId, mergedContactId)) {
            return false;
        }
        contactId = survivorId;
        recordUpdated(List.of("contactId"), by, now);
        return true;
    }

    /**
     * The client asked to be forgotten: each of their names (current and earlier) is cut from the title, where a rule's {@code {client.name}} or a lead deal's title put it.
     *
     * @return whether the title changed (nothing left to cut, as on a redelivered erasure, is no change)
     */
    public boolean eraseClientNames(ClientNames names, Actor by, Instant now) {
        String erased = names.cutFrom(title);
        if (Objects.equals(erased, title)) {
            return false;
        }
        title = erased;
        recordUpdated(List.of("title"), by, now);
        return true;
    }

    private void recordUpdated(List<String> changed, Actor by, Instant now) {
        var e = nextEvent(by, now);
        record(new TaskUpdated(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                List.copyOf(changed),
                title,
                type,
                dueAt,
                priority,
                dealId,
                contactId));
    }

    public void reassign(String to, ReassignmentReason reason, Actor by, Instant now) {
        requireOpen();
        if (to == null || to.equals(assigneeId)) {
            throw new IllegalArgumentException("a task is reassigned to someone else");
        }
        String from = assigneeId;
        assigneeId = to;
        if (reason == ReassignmentReason.OVERDUE_ESCALATION) {
            reassignedFor = dueAt;
        }
        var e = nextEvent(by, now);
        record(new TaskReassigned(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                from,
                to,
                departmentId,
                reason,
                title,
                dueAt,
                dealId,
                contactId));
    }

    public void complete(String outcome, String nextStepTaskId, boolean dealClosed, Actor by, Instant now) {
        requireOpen();
        this.status = TaskStatus.COMPLETED;
        this.outcome = outcome;
        this.nextStepTaskId = nextStepTaskId;
        this.dealClosed = dealClosed;
        this.closedAt = now;
        var e = nextEvent(by, now);
        record(new TaskCompleted(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                type,
                assigneeId,
                departmentId,
                dueAt,
                outcome,
                dealId,
                contactId,
                nextStepTaskId,
                dealClosed));
    }

    public void cancel(String reason, Actor by, Instant now) {
        requireOpen();
        this.status = TaskStatus.CANCELLED;
        this.outcome = reason;
        this.closedAt = now;
        var e = nextEvent(by, now);
        record(new TaskCancelled(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                reason,
                assigneeId,
                departmentId,
                dealId,
                contactId));
    }

    /** @return false when the reminder for this due time was already sent or no longer applies */
    public boolean remindDueSoon(Instant forDueAt, Actor by, Instant now) {
        if (!isOpen() || !forDueAt.equals(dueAt) || forDueAt.equals(dueSoonSentFor) || !now.isBefore(dueAt)) {
            return false;
        }
        dueSoonSentFor = dueAt;
        var e = nextEvent(by, now);
        record(new TaskDueSoon(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                title,
                assigneeId,
                departmentId,
                dueAt,
                priority,
                dealId,
                contactId));
        return true;
    }

    /** @return false when the task is not overdue for this due time or was already reported */
    public boolean markOverdue(Instant forDueAt, Actor by, Instant now) {
        if (!isOpen() || !forDueAt.equals(dueAt) || forDueAt.equals(overdueSentFor) || now.isBefore(dueAt)) {
            return false;
        }
        overdueSentFor = dueAt;
        assigneeWhenOverdue = assigneeId;
        var e = nextEvent(by, now);
        record(new TaskOverdue(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                title,
                assigneeId,
                departmentId,
                dueAt,
                priority,
                dealId,
                contactId));
        return true;
    }

    /**
     * Whether an overdue escalation for this due time is still pending: the task is open, was reported
     * overdue for this due time, nobody moved the due time or handed it on since, and it was not escalated.
     */
    public boolean awaitsEscalation(Instant forDueAt) {
        return isOpen()
                && forDueAt.equals(dueAt)
                && forDueAt.equals(overdueSentFor)
                && !forDueAt.equals(reassignedFor)
                && Objects.equals(assigneeId, assigneeWhenOverdue);
    }

    private void requireOpen() {
        if (!isOpen()) {
            throw new TaskClosedException(getId(), status);
        }
    }

    public boolean isOpen() {
        return status == TaskStatus.OPEN;
    }

    public String title() {
        return title;
    }

    public String type() {
        return type;
    }

    public String assigneeId() {
        return assigneeId;
    }

    public String departmentId() {
        return departmentId;
    }

    public Instant dueAt() {
        return dueAt;
    }

    public String priority() {
        return priority;
    }

    public String dealId() {
        return dealId;
    }

    public String contactId() {
        return contactId;
    }

    public TaskStatus status() {
        return status;
    }

    public String outcome() {
        return outcome;
    }

    public String nextStepTaskId() {
        return nextStepTaskId;
    }

    public boolean dealClosed() {
        return dealClosed;
    }

    public String ruleId() {
        return ruleId;
    }

    public String sourceEventId() {
        return sourceEventId;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public String createdBy() {
        return createdBy;
    }

    public Instant closedAt() {
        return closedAt;
    }
}
