package org.opencrm.tasks.automation;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Direction;
import org.opencrm.events.Money;
import org.opencrm.events.calls.CallEnded;
import org.opencrm.events.contacts.InteractionLogged;
import org.opencrm.events.contacts.LeadReceived;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.events.deals.DealLost;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.events.deals.DealWon;
import org.opencrm.events.tasks.RuleRecipient;
import org.opencrm.platform.consumer.EventIds;
import org.opencrm.tasks.contact.ContactMerges;
import org.opencrm.tasks.deal.DealState;
import org.opencrm.tasks.task.Task;
import org.opencrm.tasks.task.Tasks;
import org.opencrm.tasks.team.Team;
import org.opencrm.tasks.team.Teams;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * Turns trigger events into tasks and notification requests. What a rule creates for an event (its task,
 * its {@link RuleNotification}) has an id derived from the event id and the rule id, so a redelivered
 * event, or the same event handled by two instances, meets the unique {@code _id} and creates nothing more.
 */
@Component
public class RuleEngine {

    private static final Actor AUTOMATION = Actor.system("tasks-service/automation");

    private final MongoTemplate mongo;
    private final Tasks tasks;
    private final Teams teams;
    private final ContactMerges contacts;
    private final Clock clock;
    private final RuleCache cache;

    RuleEngine(MongoTemplate mongo, Tasks tasks, Teams teams, ContactMerges contacts, Clock clock, RuleCache cache) {
        this.cache = cache;
        this.mongo = mongo;
        this.tasks = tasks;
        this.teams = teams;
        this.contacts = contacts;
        this.clock = clock;
    }

    /** What a rule can test and fill in, taken from the event (and the deal copy for its title). */
    private record Facts(
            AutomationRule.Trigger trigger,
            String pipelineId,
            String stage,
            String source,
            Money amount,
            Boolean missedCall,
            String appealTopic,
            String dealId,
            String contactId,
            String ownerId,
            String departmentId) {}

    public void apply(CrmEvent event) {
        var facts = facts(event);
        if (facts.isEmpty()) {
            return;
        }
        var rules = cache.enabled(event.tenantId(), facts.get().trigger());
        for (var rule : rules) {
            if (matches(rule.conditions(), facts.get())) {
                if (rule.createTask() != null) {
                    createTask(rule, event, facts.get());
                }
                if (rule.notifyPeople() != null) {
                    notify(rule, event, facts.get());
                }
            }
        }
    }

    private void createTask(AutomationRule rule, CrmEvent event, Facts facts) {
        String taskId = EventIds.derive(event, "rule:" + rule.id());
        if (tasks.repository().existsById(taskId)) {
            return;
        }
        Instant now = clock.instant();
        var action = rule.createTask();
        var assignee = action.assignee();
        String teamId = assignee.teamId() != null ? assignee.teamId() : facts.departmentId();
        // the team is read only when the action needs it (a round trip per event otherwise)
        boolean needsTeam = action.businessHours()
                || assignee.mode() == AutomationRule.Assignee.Mode.TEAM_ROLE
                || assignee.mode() == AutomationRule.Assignee.Mode.TEAM_HEAD;
        Optional<Team> team = needsTeam ? teams.find(event.tenantId(), teamId) : Optional.empty();
        String assigneeId = switch (assignee.mode()) {
            case DEAL_OWNER -> facts.ownerId();
            case USER -> assignee.userId();
            case TEAM_ROLE ->
                team.flatMap(t -> teams.nextInTurn(t, assignee.role(), now)).orElse(null);
            case TEAM_HEAD ->
                team.flatMap(t -> t.headUserIds().stream().findFirst()).orElse(null);
        };
        Duration dueIn = Duration.parse(action.dueIn());
        Instant dueAt = action.businessHours() && team.isPresent()
                ? BusinessHours.add(now, dueIn, team.get())
                : now.plus(dueIn);
        String contactId = facts.contactId() == null ? null : contacts.survivor(event.tenantId(), facts.contactId());
        var draft = new Task.Draft(
                title(action.titleTemplate(), event.tenantId(), facts, contactId),
                action.type(),
                assigneeId,
                teamId,
                dueAt,
                action.priority(),
                facts.dealId(),
                contactId,
                rule.id(),
                event.eventId());
        tasks.insertOnce(Task.create(taskId, event.tenantId(), draft, AUTOMATION, now));
    }

    private void notify(AutomationRule rule, CrmEvent event, Facts facts) {
        String id = RuleNotification.idFor(event, rule.id());
        if (mongo.exists(new Query(Criteria.where("_id").is(id)), RuleNotification.class)) {
            return;
        }
        var action = rule.notifyPeople();
        var recipients = action.recipients().stream()
                .map(r -> switch (r.kind()) {
                    case DEAL_OWNER -> new RuleRecipient(r.kind(), facts.ownerId(), null);
                    case USER -> new RuleRecipient(r.kind(), r.userId(), null);
                    case TEAM_HEAD, TEAM ->
                        new RuleRecipient(r.kind(), null, r.teamId() != null ? r.teamId() : facts.departmentId());
                })
                .toList();
        String contactId = facts.contactId() == null ? null : contacts.survivor(event.tenantId(), facts.contactId());
        String message = action.message() == null ? null : title(action.message(), event.tenantId(), facts, contactId);
        var request =
                new RuleNotification.Request(facts.dealId(), contactId, facts.departmentId(), recipients, message);
        try {
            mongo.insert(RuleNotification.fire(rule, event, request, AUTOMATION, clock.instant()));
        } catch (DuplicateKeyException firedByAnotherDelivery) {
            // The other instance or the earlier delivery recorded the one event; nothing to add.
        }
    }

    private String title(String template, String tenantId, Facts facts, String contactId) {
        var deal = facts.dealId() == null || !template.contains("{deal.title}")
                ? null
                : mongo.findById(facts.dealId(), DealState.class);
        String dealTitle = deal != null && tenantId.equals(deal.tenantId()) && deal.title() != null ? deal.title() : "";
        String amount = facts.amount() == null
                ? ""
                : facts.amount().amount().toPlainString() + " " + facts.amount().currency();
        return template.replace("{deal.title}", dealTitle)
                .replace("{deal.stage}", Objects.requireNonNullElse(facts.stage(), ""))
                .replace("{deal.amount}", amount)
                .replace(
                        "{client.name}",
                        template.contains("{client.name}")
                                ? contacts.displayName(tenantId, contactId).orElse("")
                                : "")
                .strip();
    }

    private static boolean matches(AutomationRule.Conditions c, Facts f) {
        if (c == null) {
            return true;
        }
        return (c.pipelineId() == null || c.pipelineId().equals(f.pipelineId()))
                && (c.toStage() == null || c.toStage().equals(f.stage()))
                && (c.source() == null || c.source().equals(f.source()))
                && (c.minAmount() == null || atLeast(f.amount(), c.minAmount()))
                && (c.missedCall() == null || c.missedCall().equals(f.missedCall()))
                && (c.appealTopic() == null || c.appealTopic().equals(f.appealTopic()));
    }

    private static boolean atLeast(Money amount, BigDecimal min) {
        return amount != null && amount.amount().compareTo(min) >= 0;
    }

    private static Optional<Facts> facts(CrmEvent event) {
        return Optional.ofNullable(
                switch (event) {
                    case DealCreated e ->
                        new Facts(
                                AutomationRule.Trigger.DealCreated,
                                e.pipelineId(),
                                e.stage(),
                                e.source(),
                                e.amount(),
                                null,
                                null,
                                e.aggregateId(),
                                e.contactId(),
                                e.ownerId(),
                                e.departmentId());
                    case DealStageChanged e ->
                        new Facts(
                                AutomationRule.Trigger.DealStageChanged,
                                e.pipelineId(),
                                e.toStage(),
                                null,
                                e.amount(),
                                null,
                                null,
                                e.aggregateId(),
                                e.contactId(),
                                e.ownerId(),
                                e.departmentId());
                    case DealWon e ->
                        new Facts(
                                AutomationRule.Trigger.DealWon,
                                e.pipelineId(),
                                e.stage(),
                                null,
                                e.amount(),
                                null,
                                null,
                                e.aggregateId(),
                                e.contactId(),
                                e.ownerId(),
                                e.departmentId());
                    case DealLost e ->
                        new Facts(
                                AutomationRule.Trigger.DealLost,
                                e.pipelineId(),
                                e.stage(),
                                null,
                                e.amount(),
                                null,
                                null,
                                e.aggregateId(),
                                e.contactId(),
                                e.ownerId(),
                                e.departmentId());
                    case LeadReceived e ->
                        new Facts(
                                AutomationRule.Trigger.LeadReceived,
                                null,
                                null,
                                e.source(),
                                null,
                                null,
                                null,
                                null,
                                e.aggregateId(),
                                null,
                                e.departmentId());
                    case CallEnded e ->
                        new Facts(
                                AutomationRule.Trigger.CallEnded,
                                null,
                                null,
                                null,
                                null,
                                !e.answered() && e.direction() == Direction.INBOUND,
                                null,
                                null,
                                e.contactIds().isEmpty() ? null : e.contactIds().getFirst(),
                                e.operatorId(),
                                null);
                    case InteractionLogged e ->
                        new Facts(
                                AutomationRule.Trigger.InteractionLogged,
                                null,
                                null,
                                null,
                                null,
                                null,
                                e.appealTopic(),
                                e.dealId(),
                                e.aggregateId(),
                                e.userId(),
                                e.departmentId());
                    default -> null;
                });
    }
}
