package org.opencrm.tasks.automation;

import java.time.Instant;
import java.util.List;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.EventCatalog;
import org.opencrm.events.tasks.RuleNotificationRequested;
import org.opencrm.events.tasks.RuleRecipient;
import org.opencrm.platform.consumer.EventIds;
import org.opencrm.platform.outbox.AggregateRoot;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * The firing of one rule's notify action for one trigger event. It exists only to carry
 * {@link RuleNotificationRequested} through the outbox: its id is derived from the trigger event and the
 * rule, so the insert of a second firing (a redelivered trigger, another instance) fails on the unique
 * {@code _id} and no second event is ever recorded. The document stays as the record that the rule fired.
 */
@Document(RuleNotification.COLLECTION)
class RuleNotification extends AggregateRoot {

    static final String COLLECTION = "rule_notifications";

    private String ruleId;
    private String triggerEventId;
    private Instant firedAt;

    RuleNotification() {}

    private RuleNotification(String id, String tenantId) {
        super(id, tenantId);
    }

    static String idFor(CrmEvent trigger, String ruleId) {
        return EventIds.derive(trigger, "rule-notification:" + ruleId);
    }

    /** What the rule decided: who, about what, in which words (placeholders already filled). */
    record Request(
            String dealId, String contactId, String departmentId, List<RuleRecipient> recipients, String message) {}

    static RuleNotification fire(AutomationRule rule, CrmEvent trigger, Request request, Actor by, Instant now) {
        var firing = new RuleNotification(idFor(trigger, rule.id()), trigger.tenantId());
        firing.ruleId = rule.id();
        firing.triggerEventId = trigger.eventId();
        firing.firedAt = now;
        var e = firing.nextEvent(by, now);
        firing.record(new RuleNotificationRequested(
                // Derived too, so even the event id is the same whichever instance wins the insert.
                EventIds.derive(firing.getId(), "requested"),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                rule.id(),
                rule.name(),
                trigger.eventId(),
                EventCatalog.of(trigger.getClass()).type(),
                request.dealId(),
                request.contactId(),
                request.departmentId(),
                request.recipients(),
                request.message()));
        return firing;
    }
}
