package org.opencrm.tasks.task;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** Request bodies of the task API. Task types are tenant vocabulary: an upper-case code. */
final class TaskRequests {

    static final String TYPE = "^[A-Z][A-Z0-9_]{0,39}$";
    static final String TYPE_MESSAGE = "must be an upper-case code such as CALL or MEASUREMENT";
    static final String PRIORITY = "^(LOW|NORMAL|HIGH|URGENT)$";
    static final String PRIORITY_MESSAGE = "must be LOW, NORMAL, HIGH or URGENT";

    private TaskRequests() {}

    record CreateTask(
            @NotBlank @Size(max = 300) String title,

            @NotNull @Pattern(regexp = TYPE, message = TYPE_MESSAGE) String type,

            @Size(max = 100) String assigneeId,
            @Size(max = 100) String departmentId,
            @NotNull Instant dueAt,

            @Pattern(regexp = PRIORITY, message = PRIORITY_MESSAGE) String priority,

            @Size(max = 100) String dealId,
            @Size(max = 100) String contactId) {}

    /** Every field optional: only those present change; {@code assigneeId} hands the task on. */
    record UpdateTask(
            @Size(min = 1, max = 300) String title,
            @Pattern(regexp = TYPE, message = TYPE_MESSAGE) String type,
            @Size(min = 1, max = 100) String assigneeId,
            Instant dueAt,

            @Pattern(regexp = PRIORITY, message = PRIORITY_MESSAGE) String priority,

            @Size(min = 1, max = 100) String dealId,
            @Size(min = 1, max = 100) String contactId) {}

    /** The next step is a task like any other; it inherits the deal, client and team of the completed one. */
    record NextStep(
            @NotBlank @Size(max = 300) String title,

            @NotNull @Pattern(regexp = TYPE, message = TYPE_MESSAGE) String type,

            @NotNull Instant dueAt,
            @Size(max = 100) String assigneeId,

            @Pattern(regexp = PRIORITY, message = PRIORITY_MESSAGE) String priority) {}

    record CloseDeal(
            @Pattern(regexp = "^(WON|LOST)$", message = "must be WON or LOST")
            String outcome,

            @Size(max = 100) String lossReason,
            @Size(max = 2000) String comment) {}

    record Complete(
            @NotBlank @Size(max = 100) String outcome,
            @Valid NextStep nextStep,
            @Valid CloseDeal closeDeal) {}

    record Cancel(@Size(max = 100) String reason) {}
}
