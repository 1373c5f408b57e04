package org.opencrm.tasks.task;

public enum TaskStatus {
    OPEN,
    COMPLETED,
    CANCELLED
}
