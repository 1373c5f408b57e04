package org.opencrm.tasks.automation;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.util.List;
import org.opencrm.events.tasks.RuleRecipient;

record RuleRequest(
        @NotBlank @Size(max = 200) String name,
        Boolean enabled,
        @NotNull AutomationRule.Trigger trigger,
        @Valid ConditionsRequest conditions,
        @Valid TaskActionRequest createTask,
        @Valid NotifyActionRequest notifyPeople) {

    record ConditionsRequest(
            @Size(max = 100) String pipelineId,
            @Size(max = 100) String toStage,
            @Size(max = 100) String source,
            @DecimalMin("0") BigDecimal minAmount,
            Boolean missedCall,
            @Size(max = 100) String appealTopic) {}

    record TaskActionRequest(
            @NotBlank @Size(max = 300) String titleTemplate,

            @NotBlank @Size(max = 40) @Pattern(regexp = "^[A-Z][A-Z0-9_]*$", message = "must be an upper-case code") String type,

            @Pattern(regexp = "^(LOW|NORMAL|HIGH|URGENT)$", message = "must be LOW, NORMAL, HIGH or URGENT")
            String priority,

            @NotNull @Valid AssigneeRequest assignee,

            @NotBlank @Pattern(regexp = "^P.*", message = "must be an ISO-8601 duration such as P1D or PT4H") String dueIn,

            Boolean businessHours) {}

    record AssigneeRequest(
            @NotNull AutomationRule.Assignee.Mode mode,
            @Size(max = 100) String teamId,
            @Size(max = 40) String role,
            @Size(max = 100) String userId) {}

    /**
     * @param message at most 500 characters: a notification points somewhere, it is not a letter
     */
    record NotifyActionRequest(
            @NotEmpty @Size(max = 20) List<@NotNull @Valid RecipientRequest> recipients,
            @Size(max = 500) String message) {}

    record RecipientRequest(
            @NotNull RuleRecipient.Kind kind,
            @Size(max = 100) String teamId,
            @Size(max = 100) String userId) {}
}
