package org.opencrm.tasks.task;

import java.time.Instant;

record TaskView(
        String id,
        String title,
        String type,
        String assigneeId,
        String departmentId,
        Instant dueAt,
        String priority,
        String dealId,
        String contactId,
        TaskStatus status,
        String outcome,
        String nextStepTaskId,
        boolean dealClosed,
        String ruleId,
        Instant createdAt,
        String createdBy,
        Instant closedAt,
        boolean overdue,
        long version) {

    static TaskView of(Task task, Instant now) {
        return new TaskView(
                task.getId(),
                task.title(),
                task.type(),
                task.assigneeId(),
                task.departmentId(),
                task.dueAt(),
                task.priority(),
                task.dealId(),
                task.contactId(),
                task.status(),
                task.outcome(),
                task.nextStepTaskId(),
                task.dealClosed(),
                task.ruleId(),
                task.createdAt(),
                task.createdBy(),
                task.closedAt(),
                task.isOpen() && task.dueAt() != null && task.dueAt().isBefore(now),
                task.getVersion());
    }
}
