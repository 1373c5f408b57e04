package org.opencrm.tasks.automation;

import java.time.Instant;

record RuleView(
        String id,
        String name,
        boolean enabled,
        AutomationRule.Trigger trigger,
        AutomationRule.Conditions conditions,
        AutomationRule.TaskAction createTask,
        AutomationRule.NotifyAction notifyPeople,
        Instant updatedAt,
        String updatedBy) {

    static RuleView of(AutomationRule rule) {
        return new RuleView(
                rule.id(),
                rule.name(),
                rule.enabled(),
                rule.trigger(),
                rule.conditions(),
                rule.createTask(),
                rule.notifyPeople(),
                rule.updatedAt(),
                rule.updatedBy());
    }
}
