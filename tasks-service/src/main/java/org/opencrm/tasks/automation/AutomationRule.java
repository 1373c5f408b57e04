package org.opencrm.tasks.automation;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.opencrm.events.tasks.RuleRecipient;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * "When this event happens and these conditions hold, create this task and/or notify these people."
 * Conditions left null match anything; a rule has at least one of the two actions.
 */
@Document(AutomationRule.COLLECTION)
record AutomationRule(
        @Id String id,
        String tenantId,
        String name,
        boolean enabled,
        Trigger trigger,
        Conditions conditions,
        TaskAction createTask,
        NotifyAction notifyPeople,
        Instant updatedAt,
        String updatedBy) {

    static final String COLLECTION = "automation_rules";

    enum Trigger {
        DealCreated,
        DealStageChanged,
        DealWon,
        DealLost,
        LeadReceived,
        CallEnded,
        InteractionLogged
    }

    /**
     * @param toStage the stage the deal enters (DealStageChanged), starts in (DealCreated) or ends in
     * @param missedCall true: only inbound calls nobody answered; false: only answered calls
     */
    record Conditions(
            String pipelineId,
            String toStage,
            String source,
            BigDecimal minAmount,
            Boolean missedCall,
            String appealTopic) {}

    /**
     * @param titleTemplate the title, with {@code {deal.title}}, {@code {deal.stage}}, {@code {deal.amount}}
     *     and {@code {client.name}} replaced
     * @param dueIn ISO-8601 duration from the event's handling to the due time
     * @param businessHours count {@code dueIn} in the team's working hours instead of calendar time
     */
    record TaskAction(
            String titleTemplate,
            String type,
            String priority,
            Assignee assignee,
            String dueIn,
            boolean businessHours) {}

    /**
     * @param mode who gets the task
     * @param teamId the team of the task (and of the role or head); defaults to the deal's department
     * @param role for {@link Mode#TEAM_ROLE}: members with this role take turns
     * @param userId for {@link Mode#USER}
     */
    record Assignee(Mode mode, String teamId, String role, String userId) {

        enum Mode {
            DEAL_OWNER,
            TEAM_ROLE,
            USER,
            TEAM_HEAD
        }
    }

    /**
     * @param recipients who is told; team kinds default to the deal's (or lead's) department
     * @param message text with the same placeholders as {@link TaskAction#titleTemplate}; null lets
     *     notifications word it ("rule X fired on deal Y")
     */
    record NotifyAction(List<Recipient> recipients, String message) {}

    /**
     * @param teamId for {@code TEAM_HEAD} and {@code TEAM}; null means the trigger's department
     * @param userId for {@code USER}
     */
    record Recipient(RuleRecipient.Kind kind, String teamId, String userId) {}
}
