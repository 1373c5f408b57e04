package org.opencrm.contacts.activity;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bson.Document;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Money;
import org.opencrm.events.Topics;
import org.opencrm.events.contacts.InteractionLogged;
import org.opencrm.events.deals.DealAmountChanged;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.events.deals.DealLost;
import org.opencrm.events.deals.DealReassigned;
import org.opencrm.events.deals.DealReopened;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.events.deals.DealUpdated;
import org.opencrm.events.deals.DealWon;
import org.opencrm.events.tasks.TaskCancelled;
import org.opencrm.events.tasks.TaskCompleted;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.events.tasks.TaskReassigned;
import org.opencrm.events.tasks.TaskUpdated;
import org.opencrm.platform.consumer.EventIds;
import org.opencrm.platform.consumer.IdempotentWrites;
import org.opencrm.platform.events.EventRecords;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Keeps the screen-pop summaries and the deal/task timeline from deals, tasks and the service's own
 * interaction events. Every effect is idempotent: summary entries carry the version of the deal or task
 * event they reflect and take only newer ones (per entry, in the card's one summary document); timeline
 * entries and links are keyed by the event. Two instances in one group never apply an event twice.
 */
@Component
class ActivityListener {

    private static final Pattern SAFE_KEY = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    private static final String LINKS = "activity_links";

    private final MongoTemplate mongo;
    private final IdempotentWrites writes;

    ActivityListener(MongoTemplate mongo, IdempotentWrites writes) {
        this.mongo = mongo;
        this.writes = writes;
    }

    @KafkaListener(topics = Topics.DEALS, groupId = "contacts-service")
    void onDeal(ConsumerRecord<String, String> record) {
        EventRecords.decode(record).ifPresent(this::apply);
    }

    @KafkaListener(topics = Topics.TASKS, groupId = "contacts-service")
    void onTask(ConsumerRecord<String, String> record) {
        EventRecords.decode(record).ifPresent(this::apply);
    }

    @KafkaListener(topics = Topics.CONTACTS, groupId = "contacts-service")
    void onContact(ConsumerRecord<String, String> record) {
        EventRecords.decode(record).ifPresent(this::apply);
    }

    void apply(CrmEvent event) {
        switch (event) {
            case DealCreated e ->
                deal(
                        e,
                        e.contactId(),
                        e.title(),
                        facts("stage", e.stage()),
                        Map.of("open", "OPEN".equals(e.stageKind()), "stage", e.stage()),
                        e.amount(),
                        true);
            case DealStageChanged e ->
                deal(
                        e,
                        e.contactId(),
                        e.comment(),
                        facts("fromStage", e.fromStage(), "toStage", e.toStage(), "lossReason", e.lossReason()),
                        Map.of("open", "OPEN".equals(e.toStageKind()), "stage", e.toStage()),
                        e.amount(),
                        e.amount() != null);
            case DealWon e ->
                deal(
                        e,
                        e.contactId(),
                        null,
                        facts("stage", e.stage()),
                        Map.of("open", false),
                        e.amount(),
                        e.amount() != null);
            case DealLost e ->
                deal(
                        e,
                        e.contactId(),
                        null,
                        facts("stage", e.stage(), "lossReason", e.lossReason()),
                        Map.of("open", false),
                        e.amount(),
                        e.amount() != null);
            case DealReopened e ->
                deal(
                        e,
                        e.contactId(),
                        null,
                        facts("stage", e.toStage()),
                        Map.of("open", true, "stage", e.toStage()),
                        e.amount(),
                        e.amount() != null);
            case DealAmountChanged e ->
                deal(e, e.contactId(), null, facts("stage", e.stage()), Map.of(), e.amount(), true);
            case DealReassigned e ->
                deal(e, e.contactId(), null, facts("toOwnerId", e.toOwnerId()), Map.of(), null, false);
            case DealUpdated e ->
                deal(
                        e,
                        e.contactId(),
                        e.title(),
                        facts("changedFields", String.join(",", e.changedFields())),
                        Map.of(),
                        null,
                        false);
            case TaskCreated e ->
                task(
                        e,
                        e.contactId(),
                        e.dealId(),
                        e.title(),
                        facts("type", e.type(), "dueAt", e.dueAt()),
                        values(
                                "open",
                                true,
                                "type",
                                e.type(),
                                "title",
                                e.title(),
                                "dueAt",
                                e.dueAt(),
                                "dealId",
                                e.dealId()));
            case TaskUpdated e ->
                task(
                        e,
                        e.contactId(),
                        e.dealId(),
                        e.title(),
                        facts("dueAt", e.dueAt()),
                        values("type", e.type(), "title", e.title(), "dueAt", e.dueAt(), "dealId", e.dealId()));
            case TaskReassigned e ->
                task(
                        e,
                        e.contactId(),
                        e.dealId(),
                        e.title(),
                        facts(
                                "toAssigneeId",
                                e.toAssigneeId(),
                                "reason",
                                e.reason().name()),
                        values("title", e.title(), "dueAt", e.dueAt()));
            case TaskCompleted e ->
                task(
                        e,
                        e.contactId(),
                        e.dealId(),
                        null,
                        facts("type", e.type(), "outcome", e.outcome()),
                        values("open", false));
            case TaskCancelled e ->
                task(e, e.contactId(), e.dealId(), null, facts("reason", e.reason()), values("open", false));
            case InteractionLogged e -> lastInteraction(e);
            default -> {}
        }
    }

    private void deal(
            CrmEvent event,
            String contactId,
            String text,
            Map<String, Object> facts,
            Map<String, Object> values,
            Money amount,
            boolean setsAmount) {
        Card card = follow("deal", event, contactId);
        if (card == null) {
            return;
        }
        if (card.current()) {
            var entry = new LinkedHashMap<>(values);
            if (setsAmount) {
                entry.put("amount", amount == null ? null : amount.amount().toPlainString());
                entry.put("currency", amount == null ? null : amount.currency());
            }
            applyEntry(card.contactId(), event, "deals", card.carried(entry));
            card.leavePrevious().run();
        }
        timeline(event, card.contactId(), "DEAL", event.aggregateId(), null, text, facts);
    }

    private void task(
            CrmEvent event,
            String contactId,
            String dealId,
            String text,
            Map<String, Object> facts,
            Map<String, Object> values) {
        Card card = follow("task", event, contactId);
        if (card == null) {
            return;
        }
        if (card.current()) {
            applyEntry(card.contactId(), event, "tasks", card.carried(values));
            card.leavePrevious().run();
        }
        timeline(event, card.contactId(), "TASK", dealId, event.aggregateId(), text, facts);
    }

    /**
     * The card of a deal or task event: its own contact id, or the last known one for events without one.
     *
     * @param current whether the event is the newest the link has seen: only then may it change a summary
     */
    private record Card(String contactId, boolean current, Document carried, Runnable leavePrevious) {

        Card(String contactId, boolean current) {
            this(contactId, current, null, () -> {});
        }

        /** The event's values over what the entry held on the card it left (a move keeps its state). */
        Map<String, Object> carried(Map<String, Object> values) {
            var entry = new LinkedHashMap<String, Object>();
            if (carried != null) {
                carried.forEach((field, value) -> {
                    if (!field.equals("v")) {
                        entry.put(field, value);
                    }
                });
            }
            entry.putAll(values);
            return entry;
        }
    }

    /**
     * The card a deal or task belongs to as of this event. Events without a contact id inherit the last known
     * one; when the card changes, the entry leaves the old card's summary for the new one's with what it held
     * (an update that moves a deal carries no stage or amount), written there before it is taken off the old
     * card so that a redelivery after a crash in between still finds it. An event older than the link (a
     * redelivery after the deal or task moved on, maybe to another card) moves nothing and changes no summary:
     * taking the entry off the newer card and putting it back on the old one would undo the move.
     */
    private Card follow(String kind, CrmEvent event, String contactId) {
        String linkId = event.tenantId() + "|" + kind + "|" + event.aggregateId();
        var link = mongo.findById(linkId, Document.class, LINKS);
        String previous = link == null ? null : link.getString("contactId");
        Number linked = link == null ? null : link.get(IdempotentWrites.SOURCE_VERSION, Number.class);
        if (linked != null && linked.longValue() > event.aggregateVersion()) {
            String own = contactId != null ? contactId : previous;
            return own == null ? null : new Card(own, false);
        }
        if (contactId == null) {
            return previous == null ? null : new Card(previous, true);
        }
        if (previous != null && !previous.equals(contactId)) {
            String map = "deal".equals(kind) ? "deals" : "tasks";
            String field = map + "." + key(event.aggregateId());
            var old = mongo.findById(previous, Document.class, ContactActivity.SUMMARIES);
            var entries = old == null ? null : old.get(map, Document.class);
            var entry = entries == null ? null : entries.get(key(event.aggregateId()), Document.class);
            // The link moves last: until then a redelivery still finds the old card and what its entry held.
            return new Card(contactId, true, entry, () -> {
                mongo.updateFirst(
                        new Query(where("_id").is(previous)), new Update().unset(field), ContactActivity.SUMMARIES);
                writes.applyIfNewer(LINKS, linkId, event, new Update().set("contactId", contactId));
            });
        }
        writes.applyIfNewer(LINKS, linkId, event, new Update().set("contactId", contactId));
        return new Card(contactId, true);
    }

    private void applyEntry(String contactId, CrmEvent event, String map, Map<String, Object> values) {
        String prefix = map + "." + key(event.aggregateId()) + ".";
        var query = new Query(new Criteria()
                .andOperator(
                        where("_id").is(contactId),
                        new Criteria()
                                .orOperator(
                                        where(prefix + "v").exists(false),
                                        where(prefix + "v").lt(event.aggregateVersion()))));
        var update = new Update().set("tenantId", event.tenantId()).set(prefix + "v", event.aggregateVersion());
        values.forEach((field, value) -> {
            if (value != null || field.equals("amount") || field.equals("currency")) {
                update.set(prefix + field, value);
            }
        });
        upsertOrSkip(query, update);
    }

    private void lastInteraction(InteractionLogged event) {
        var query = new Query(new Criteria()
                .andOperator(
                        where("_id").is(event.aggregateId()),
                        new Criteria()
                                .orOperator(
                                        where("lastInteraction.at").exists(false),
                                        where("lastInteraction.at").lt(event.interactedAt()))));
        var update = new Update()
                .set("tenantId", event.tenantId())
                .set(
                        "lastInteraction",
                        new Document("interactionId", event.interactionId())
                                .append("type", event.type().name())
                                .append("at", java.util.Date.from(event.interactedAt()))
                                .append("userId", event.userId())
                                .append("outcome", event.outcome()));
        upsertOrSkip(query, update);
    }

    private void upsertOrSkip(Query query, Update update) {
        try {
            mongo.upsert(query, update, ContactActivity.SUMMARIES);
        } catch (DuplicateKeyException alreadyNewer) {
            // The summary exists and already reflects this or a later event of the deal or task.
        }
    }

    private void timeline(
            CrmEvent event,
            String contactId,
            String kind,
            String dealId,
            String taskId,
            String text,
            Map<String, Object> facts) {
        writes.insertOnce(
                new ActivityEntry(
                        EventIds.derive(event, "timeline"),
                        event.tenantId(),
                        contactId,
                        event.occurredAt(),
                        kind,
                        event.getClass().getSimpleName(),
                        "DEAL".equals(kind) ? event.aggregateId() : dealId,
                        taskId,
                        text,
                        facts),
                mongo.getCollectionName(ActivityEntry.class));
    }

    // Ids become field names in the summary document; anything that could be read as a path or operator is hashed.
    private static String key(String id) {
        return SAFE_KEY.matcher(id).matches()
                ? id
                : UUID.nameUUIDFromBytes(id.getBytes()).toString();
    }

    private static Map<String, Object> facts(Object... pairs) {
        return values(pairs);
    }

    private static Map<String, Object> values(Object... pairs) {
        var map = new LinkedHashMap<String, Object>();
        for (int i = 0; i < pairs.length; i += 2) {
            Object value = pairs[i + 1];
            if (value != null) {
                map.put((String) pairs[i], value instanceof Instant instant ? java.util.Date.from(instant) : value);
            }
        }
        return map;
    }
}
