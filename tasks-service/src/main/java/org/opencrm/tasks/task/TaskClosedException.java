package org.opencrm.tasks.task;

import java.util.Map;
import org.opencrm.platform.web.ConflictException;

/** A completed or cancelled task is history: it cannot be edited, reassigned or closed again. */
public class TaskClosedException extends ConflictException {

    public TaskClosedException(String taskId, TaskStatus status) {
        super("The task is " + status.name().toLowerCase() + " and can no longer change.", Map.of("status", status));
    }
}
