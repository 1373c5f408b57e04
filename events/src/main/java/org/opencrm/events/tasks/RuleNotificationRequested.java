package org.opencrm.events.tasks;

import java.time.Instant;
import java.util.List;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Required;

/**
 * An automation rule's "notify" action fired for one trigger event. tasks-service decides that a rule
 * matched; notifications-service decides how the people are reached (channels, templates, preferences).
 *
 * <p>The aggregate is the firing of one rule for one trigger event: {@code aggregateId} is derived from the
 * trigger event id and the rule id, so a redelivered trigger, or one handled by two instances, finds the
 * firing already recorded and emits nothing more. {@code aggregateVersion} is always 1.
 *
 * @param triggerEventType the trigger's CloudEvents type, e.g. {@code crm.deals.DealStageChanged.v1}
 * @param departmentId the deal's or lead's department when the trigger happened
 * @param message the rule's text with the task-title placeholders filled in ({@code {deal.title}},
 *     {@code {client.name}}, ...); may name the client, exactly as a rule-made task title may. Null when
 *     the rule has no text: the notification then says which rule fired on which deal
 */
public record RuleNotificationRequested(
        String eventId,
        String tenantId,
        String aggregateId,
        long aggregateVersion,
        Instant occurredAt,
        Actor actor,
        @Required String ruleId,
        String ruleName,
        @Required String triggerEventId,
        @Required String triggerEventType,
        String dealId,
        String contactId,
        String departmentId,
        @Required List<RuleRecipient> recipients,
        String message)
        implements CrmEvent {}
