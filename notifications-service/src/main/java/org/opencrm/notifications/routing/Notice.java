package org.opencrm.notifications.routing;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.calls.CallStarted;
import org.opencrm.events.deals.DealWon;
import org.opencrm.events.tasks.DealWithoutNextStep;
import org.opencrm.events.tasks.RuleNotificationRequested;
import org.opencrm.events.tasks.RuleRecipient;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.events.tasks.TaskDueSoon;
import org.opencrm.events.tasks.TaskOverdue;
import org.opencrm.events.tasks.TaskReassigned;

/**
 * What an event means for notifications: its topic, the users behind each audience, the template values
 * and the instants to show (formatted per recipient, in their zone and language).
 *
 * @param urgent urgent notices ignore quiet hours (an overdue escalation, a ringing phone)
 * @param ruleRecipients the people an automation rule named, for {@link Audience#RULE_RECIPIENTS}
 */
record Notice(
        String topic,
        boolean urgent,
        String teamId,
        Map<Audience, String> people,
        Map<String, String> values,
        Map<String, Instant> times,
        List<RuleRecipient> ruleRecipients) {

    Notice(
            String topic,
            boolean urgent,
            String teamId,
            Map<Audience, String> people,
            Map<String, String> values,
            Map<String, Instant> times) {
        this(topic, urgent, teamId, people, values, times, List.of());
    }

    static Optional<Notice> of(CrmEvent event) {
        return Optional.ofNullable(
                switch (event) {
                    case TaskCreated t ->
                        task("TaskCreated", false, t.departmentId(), t.assigneeId(), t.title(), t.dueAt());
                    case TaskDueSoon t ->
                        task("TaskDueSoon", false, t.departmentId(), t.assigneeId(), t.title(), t.dueAt());
                    case TaskOverdue t ->
                        task("TaskOverdue", true, t.departmentId(), t.assigneeId(), t.title(), t.dueAt());
                    case TaskReassigned t -> {
                        var people = new HashMap<Audience, String>();
                        put(people, Audience.PREVIOUS_ASSIGNEE, t.fromAssigneeId());
                        put(people, Audience.NEW_ASSIGNEE, t.toAssigneeId());
                        var values = new HashMap<String, String>();
                        put(values, "title", t.title());
                        put(values, "reason", t.reason().name());
                        put(values, "dealId", t.dealId());
                        yield new Notice(
                                "TaskReassigned", false, t.departmentId(), people, values, times("dueAt", t.dueAt()));
                    }
                    case DealWithoutNextStep d -> {
                        var people = new HashMap<Audience, String>();
                        put(people, Audience.OWNER, d.ownerId());
                        var values = new HashMap<String, String>();
                        put(values, "dealId", d.aggregateId());
                        put(values, "stage", d.stage());
                        yield new Notice(
                                "DealWithoutNextStep",
                                false,
                                d.departmentId(),
                                people,
                                values,
                                times("since", d.since()));
                    }
                    case CallStarted c -> {
                        var people = new HashMap<Audience, String>();
                        put(people, Audience.OPERATOR, c.operatorId());
                        var values = new HashMap<String, String>();
                        put(values, "externalCallId", c.externalCallId());
                        put(values, "direction", c.direction().name());
                        put(values, "contactIds", String.join(", ", c.contactIds()));
                        put(values, "callId", c.aggregateId());
                        yield new Notice("CallStarted", true, null, people, values, times("startedAt", c.startedAt()));
                    }
                    case DealWon d -> {
                        var people = new HashMap<Audience, String>();
                        put(people, Audience.OWNER, d.ownerId());
                        var values = new HashMap<String, String>();
                        put(values, "dealId", d.aggregateId());
                        put(values, "stage", d.stage());
                        values.put(
                                "amountSuffix",
                                d.amount() == null
                                        ? ""
                                        : " (" + d.amount().amount().toPlainString() + " "
                                                + d.amount().currency() + ")");
                        yield new Notice("DealWon", false, d.departmentId(), people, values, Map.of());
                    }
                    case RuleNotificationRequested r -> {
                        var people = new HashMap<Audience, String>();
                        r.recipients().stream()
                                .filter(p -> p.kind() == RuleRecipient.Kind.DEAL_OWNER)
                                .findFirst()
                                .ifPresent(owner -> put(people, Audience.OWNER, owner.userId()));
                        var values = new HashMap<String, String>();
                        put(values, "ruleName", r.ruleName());
                        put(values, "dealId", r.dealId());
                        // A rule without text still says something: its name, which the administrator chose.
                        values.put(
                                "message",
                                Objects.requireNonNullElse(r.message(), Objects.requireNonNullElse(r.ruleName(), "")));
                        yield new Notice(
                                "RuleNotificationRequested",
                                false,
                                r.departmentId(),
                                people,
                                values,
                                Map.of(),
                                r.recipients());
                    }
                    default -> null;
                });
    }

    private static Notice task(
            String topic, boolean urgent, String teamId, String assigneeId, String title, Instant dueAt) {
        var people = new HashMap<Audience, String>();
        put(people, Audience.ASSIGNEE, assigneeId);
        var values = new HashMap<String, String>();
        put(values, "title", title);
        return new Notice(topic, urgent, teamId, people, values, times("dueAt", dueAt));
    }

    private static Map<String, Instant> times(String name, Instant value) {
        return value == null ? Map.of() : Map.of(name, value);
    }

    private static <K> void put(Map<K, String> map, K key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
