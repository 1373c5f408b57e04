package org.opencrm.analytics.projection;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Money;
import org.opencrm.events.calls.CallEnded;
import org.opencrm.events.contacts.ContactsMerged;
import org.opencrm.events.contacts.InteractionLogged;
import org.opencrm.events.contacts.InteractionType;
import org.opencrm.events.contacts.LeadReceived;
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
import org.opencrm.events.tasks.TaskOverdue;
import org.opencrm.events.tasks.TaskReassigned;
import org.opencrm.events.tasks.TaskUpdated;
import org.opencrm.events.teams.TeamMember;
import org.opencrm.events.teams.TeamUpdated;
import org.opencrm.platform.consumer.EventIds;
import org.opencrm.platform.consumer.IdempotentWrites;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * Turns one event into facts of one projection version. Only ids, keys, codes, amounts and times are kept:
 * names, addresses, titles, comments, team members' contact data and free texts are never read from the
 * events. Client ids are replaced by {@link Pseudonyms}.
 *
 * <p>Every write converges to the same documents whatever the number of deliveries and whatever the order of
 * events, including events of one aggregate applied out of order (a rebuild replays old events while the live
 * listener already wrote newer ones into the same version):
 *
 * <ul>
 *   <li>facts per event (stage changes, leads, interactions) are inserted once under an id derived from the
 *       event ({@link IdempotentWrites#insertOnce});
 *   <li>the current state of a deal or task is split into field groups (stage, owner, amount, outcome, ...);
 *       each group keeps the aggregate version that last set it and takes only newer events, so a group
 *       holds the value of the newest event that carries it;
 *   <li>sets grow with {@code $addToSet}, which commutes.
 * </ul>
 *
 * Figures are never counters: queries compute them from these facts.
 *
 * <p>A batch of events (a poll of the live listener, of a rebuild's replay) is written with a few bulk commands
 * per collection rather than a few commands per event ({@link FactBatch}).
 */
@Component
public class FactWriter {

    static final String ENTERED = "ENTERED";
    static final String MOVED = "MOVED";
    static final String AMOUNT = "AMOUNT";
    static final String OWNER = "OWNER";

    private final MongoTemplate mongo;
    private final Pseudonyms pseudonyms;

    FactWriter(MongoTemplate mongo, Pseudonyms pseudonyms) {
        this.mongo = mongo;
        this.pseudonyms = pseudonyms;
    }

    /** Applies the event to the given version; events analytics does not report on are ignored. */
    public void apply(CrmEvent event, ProjectionCollections to) {
        apply(List.of(event), to);
    }

    /**
     * Applies the events, in their order, to the given version with a few bulk writes; events analytics does
     * not report on are ignored. A batch that fails part-way may be applied again whole: every write is
     * idempotent.
     */
    public void apply(List<CrmEvent> events, ProjectionCollections to) {
        batchOf(events, to).flush(mongo);
        FirstResponses.follow(mongo, to, firstResponseWork(events));
    }

    /** The leads, calls and merges of the batch that first responses follow, once their facts are written. */
    private FirstResponses.Work firstResponseWork(List<CrmEvent> events) {
        var work = new FirstResponses.Work();
        for (CrmEvent event : events) {
            switch (event) {
                case LeadReceived e
                when e.occurredAt() != null ->
                    work.leads()
                            .add(new FirstResponses.Lead(
                                    e.tenantId(),
                                    key(e.tenantId(), e.leadId()),
                                    pseudonyms.of(e.tenantId(), e.aggregateId()),
                                    date(e.occurredAt())));
                case CallEnded e -> work.callIds().add(key(e.tenantId(), e.aggregateId()));
                case InteractionLogged e
                when e.type() == InteractionType.CALL ->
                    work.callIds()
                            .add(key(
                                    e.tenantId(),
                                    e.callId() != null ? e.callId() : "interaction:" + e.interactionId()));
                case ContactsMerged e ->
                    work.merges()
                            .add(new FirstResponses.Merge(
                                    e.tenantId(),
                                    pseudonyms.of(e.tenantId(), e.mergedContactId()),
                                    pseudonyms.of(e.tenantId(), e.aggregateId()),
                                    e.aggregateVersion()));
                default -> {}
            }
        }
        return work;
    }

    /** The batch's writes, collected and not yet sent. */
    FactBatch batchOf(List<CrmEvent> events, ProjectionCollections to) {
        var batch = new FactBatch(to);
        events.forEach(event -> collect(event, batch));
        return batch;
    }

    private void collect(CrmEvent event, FactBatch to) {
        switch (event) {
            case DealCreated e -> dealCreated(e, to);
            case DealStageChanged e -> dealStageChanged(e, to);
            case DealWon e -> dealWon(e, to);
            case DealLost e -> dealLost(e, to);
            case DealReopened e -> dealReopened(e, to);
            case DealReassigned e -> dealReassigned(e, to);
            case DealAmountChanged e -> dealAmountChanged(e, to);
            case DealUpdated e -> dealUpdated(e, to);
            case LeadReceived e -> leadReceived(e, to);
            case InteractionLogged e -> interactionLogged(e, to);
            case CallEnded e -> callEnded(e, to);
            case ContactsMerged e -> contactsMerged(e, to);
            case TaskCreated e -> taskCreated(e, to);
            case TaskUpdated e -> taskUpdated(e, to);
            case TaskReassigned e -> taskReassigned(e, to);
            case TaskCompleted e -> taskCompleted(e, to);
            case TaskCancelled e -> taskCancelled(e, to);
            case TaskOverdue e -> taskOverdue(e, to);
            case TeamUpdated e -> teamUpdated(e, to);
            // Contact snapshots carry names and addresses, call starts repeat what CallEnded says, document
            // and notification events say nothing the figures need: none of them is stored.
            default -> {}
        }
    }

    // ---- deals ----------------------------------------------------------------------------------------------

    private void dealCreated(DealCreated e, FactBatch to) {
        String id = key(e.tenantId(), e.aggregateId());
        setIfNewer(
                to,
                to.deals(),
                id,
                "createdV",
                e,
                deal(e, e.pipelineId()).set("createdAt", date(e.occurredAt())).set("leadId", e.leadId()));
        stage(to, id, e, e.pipelineId(), e.stage(), e.stageKind(), e.stagePosition(), e.stageProbability());
        owner(to, id, e, e.pipelineId(), e.ownerId(), e.departmentId());
        amount(to, id, e, e.pipelineId(), e.amount());
        profile(to, id, e, e.pipelineId(), e.source(), e.contactId());
        recordHistory(
                to,
                e,
                history(e, e.pipelineId(), ENTERED, e.ownerId(), e.departmentId())
                        .append("stage", e.stage())
                        .append("stageKind", e.stageKind())
                        .append("position", e.stagePosition())
                        .append("probability", e.stageProbability())
                        .append("amount", decimal(e.amount()))
                        .append("currency", currency(e.amount())));
    }

    private void dealStageChanged(DealStageChanged e, FactBatch to) {
        String id = key(e.tenantId(), e.aggregateId());
        stage(to, id, e, e.pipelineId(), e.toStage(), e.toStageKind(), e.toStagePosition(), e.toStageProbability());
        owner(to, id, e, e.pipelineId(), e.ownerId(), e.departmentId());
        amount(to, id, e, e.pipelineId(), e.amount());
        String move = move(e);
        if ("FORWARD".equals(move)) {
            // A set that only grows: applying it twice or late changes nothing.
            to.addToSet(to.deals(), id, "forwardFrom", e.fromStage(), deal(e, e.pipelineId()));
        }
        recordHistory(
                to,
                e,
                history(e, e.pipelineId(), MOVED, e.ownerId(), e.departmentId())
                        .append("stage", e.toStage())
                        .append("stageKind", e.toStageKind())
                        .append("position", e.toStagePosition())
                        .append("probability", e.toStageProbability())
                        .append("amount", decimal(e.amount()))
                        .append("currency", currency(e.amount()))
                        .append("fromStage", e.fromStage())
                        .append("fromStageKind", e.fromStageKind())
                        .append("fromPosition", e.fromStagePosition())
                        .append("secondsInPreviousStage", e.secondsInPreviousStage())
                        .append("move", move)
                        .append("lossReason", e.lossReason()));
    }

    /** FORWARD (to a later open stage or to a won one), BACK, LOST, or REOPEN (out of a closed stage). */
    static String move(DealStageChanged e) {
        if (!"OPEN".equals(e.fromStageKind())) {
            return "REOPEN";
        }
        if ("LOST".equals(e.toStageKind())) {
            return "LOST";
        }
        if ("WON".equals(e.toStageKind()) || e.toStagePosition() > e.fromStagePosition()) {
            return "FORWARD";
        }
        return "BACK";
    }

    private void dealWon(DealWon e, FactBatch to) {
        String id = key(e.tenantId(), e.aggregateId());
        setIfNewer(
                to,
                to.deals(),
                id,
                "outcomeV",
                e,
                deal(e, e.pipelineId())
                        .set("outcome", "WON")
                        .set("closedAt", date(e.occurredAt()))
                        .set("cycleSeconds", cycleSeconds(e.dealCreatedAt(), e.occurredAt()))
                        .set("closedAmount", decimal(e.amount()))
                        .set("closedCurrency", currency(e.amount()))
                        .set("lostReason", null)
                        .set("lostFrom", null));
        owner(to, id, e, e.pipelineId(), e.ownerId(), e.departmentId());
        amount(to, id, e, e.pipelineId(), e.amount());
    }

    private void dealLost(DealLost e, FactBatch to) {
        String id = key(e.tenantId(), e.aggregateId());
        setIfNewer(
                to,
                to.deals(),
                id,
                "outcomeV",
                e,
                deal(e, e.pipelineId())
                        .set("outcome", "LOST")
                        .set("closedAt", date(e.occurredAt()))
                        .set("cycleSeconds", cycleSeconds(e.dealCreatedAt(), e.occurredAt()))
                        .set("closedAmount", decimal(e.amount()))
                        .set("closedCurrency", currency(e.amount()))
                        .set("lostReason", e.lossReason())
                        .set("lostFrom", e.previousStage()));
        owner(to, id, e, e.pipelineId(), e.ownerId(), e.departmentId());
        amount(to, id, e, e.pipelineId(), e.amount());
    }

    private void dealReopened(DealReopened e, FactBatch to) {
        String id = key(e.tenantId(), e.aggregateId());
        setIfNewer(
                to,
                to.deals(),
                id,
                "outcomeV",
                e,
                deal(e, e.pipelineId())
                        .set("outcome", null)
                        .set("closedAt", null)
                        .set("cycleSeconds", null)
                        .set("closedAmount", null)
                        .set("closedCurrency", null)
                        .set("lostReason", null)
                        .set("lostFrom", null));
        owner(to, id, e, e.pipelineId(), e.ownerId(), e.departmentId());
        amount(to, id, e, e.pipelineId(), e.amount());
    }

    private void dealReassigned(DealReassigned e, FactBatch to) {
        String id = key(e.tenantId(), e.aggregateId());
        // An unchanged department may be left out of the event: the deal stays where it was.
        String department = e.toDepartmentId() != null ? e.toDepartmentId() : e.fromDepartmentId();
        owner(to, id, e, e.pipelineId(), e.toOwnerId(), department);
        recordHistory(to, e, history(e, e.pipelineId(), OWNER, e.toOwnerId(), department));
    }

    private void dealAmountChanged(DealAmountChanged e, FactBatch to) {
        String id = key(e.tenantId(), e.aggregateId());
        owner(to, id, e, e.pipelineId(), e.ownerId(), e.departmentId());
        amount(to, id, e, e.pipelineId(), e.amount());
        recordHistory(
                to,
                e,
                history(e, e.pipelineId(), AMOUNT, e.ownerId(), e.departmentId())
                        .append("amount", decimal(e.amount()))
                        .append("currency", currency(e.amount())));
    }

    private void dealUpdated(DealUpdated e, FactBatch to) {
        String id = key(e.tenantId(), e.aggregateId());
        owner(to, id, e, e.pipelineId(), e.ownerId(), e.departmentId());
        profile(to, id, e, e.pipelineId(), e.source(), e.contactId());
    }

    private void stage(
            FactBatch to,
            String id,
            CrmEvent e,
            String pipelineId,
            String stage,
            String kind,
            int position,
            int probability) {
        setIfNewer(
                to,
                to.deals(),
                id,
                "stageV",
                e,
                deal(e, pipelineId)
                        .set("stage", stage)
                        .set("stageKind", kind)
                        .set("stagePosition", position)
                        .set("stageProbability", probability));
    }

    private void owner(FactBatch to, String id, CrmEvent e, String pipelineId, String ownerId, String departmentId) {
        setIfNewer(
                to,
                to.deals(),
                id,
                "ownerV",
                e,
                deal(e, pipelineId).set("ownerId", ownerId).set("departmentId", departmentId));
    }

    private void amount(FactBatch to, String id, CrmEvent e, String pipelineId, Money amount) {
        setIfNewer(
                to,
                to.deals(),
                id,
                "amountV",
                e,
                deal(e, pipelineId).set("amount", decimal(amount)).set("currency", currency(amount)));
    }

    private void profile(FactBatch to, String id, CrmEvent e, String pipelineId, String source, String contactId) {
        setIfNewer(
                to,
                to.deals(),
                id,
                "profileV",
                e,
                deal(e, pipelineId).set("source", source).set("clientKey", pseudonyms.of(e.tenantId(), contactId)));
    }

    private static Update deal(CrmEvent e, String pipelineId) {
        return new Update()
                .set("tenantId", e.tenantId())
                .set("dealId", e.aggregateId())
                .set("pipelineId", pipelineId);
    }

    /**
     * A deal history fact, inserted once, and the same entry in the deal document's {@code timeline} (keyed by the
     * event's version, added once): the deal's stage, amount and owner over time, from which the pipeline-as-of
     * rollups take the deal's contribution ({@link DealRollups}).
     */
    private static void recordHistory(FactBatch to, CrmEvent e, Document fact) {
        to.insertOnce(fact, to.dealHistory());
        Document entry = new Document();
        for (String field : TIMELINE_FIELDS) {
            if (fact.get(field) != null) {
                entry.put(field, fact.get(field));
            }
        }
        to.putOnce(
                to.deals(),
                fact.getString("dealKey"),
                DealRollups.TIMELINE,
                String.valueOf(e.aggregateVersion()),
                entry,
                deal(e, fact.getString("pipelineId")));
    }

    private static final java.util.List<String> TIMELINE_FIELDS = java.util.List.of(
            "kind",
            "at",
            "pipelineId",
            "ownerId",
            "departmentId",
            "stage",
            "stageKind",
            "position",
            "probability",
            "amount",
            "currency",
            // a move's stage left and the time in it: the funnel's exits and time in stage (FunnelRollups)
            "fromStage",
            "fromStageKind",
            "fromPosition",
            "secondsInPreviousStage");

    private static Document history(CrmEvent e, String pipelineId, String kind, String ownerId, String departmentId) {
        return new Document("_id", EventIds.derive(e, "analytics-deal-history"))
                .append("tenantId", e.tenantId())
                .append("dealKey", key(e.tenantId(), e.aggregateId()))
                .append("dealId", e.aggregateId())
                .append("pipelineId", pipelineId)
                .append("kind", kind)
                .append("version", e.aggregateVersion())
                .append("at", date(e.occurredAt()))
                .append("ownerId", ownerId)
                .append("departmentId", departmentId);
    }

    private static Long cycleSeconds(Instant createdAt, Instant closedAt) {
        return createdAt == null ? null : Duration.between(createdAt, closedAt).toSeconds();
    }

    // ---- contacts and calls ---------------------------------------------------------------------------------

    private void leadReceived(LeadReceived e, FactBatch to) {
        var utm = e.utm();
        Document fact = new Document("_id", key(e.tenantId(), e.leadId()))
                .append("tenantId", e.tenantId())
                .append("leadId", e.leadId())
                .append("at", date(e.occurredAt()))
                .append("source", e.source())
                .append("utmSource", utm == null ? null : utm.source())
                .append("utmMedium", utm == null ? null : utm.medium())
                .append("utmCampaign", utm == null ? null : utm.campaign())
                .append("formId", e.formId())
                .append("departmentId", e.departmentId())
                .append("newContact", e.newContact())
                .append("clientKey", pseudonyms.of(e.tenantId(), e.aggregateId()));
        if (e.occurredAt() != null) {
            // inserted with the fact, settled after: the sources report's rollup counts it once
            fact.append(
                    DealRollups.PENDING,
                    DealRollups.leadPending(e.tenantId(), e.source(), e.departmentId(), date(e.occurredAt())));
        }
        to.insertOnce(fact, to.leads());
    }

    private void interactionLogged(InteractionLogged e, FactBatch to) {
        String clientKey = pseudonyms.of(e.tenantId(), e.aggregateId());
        Document fact = new Document("_id", key(e.tenantId(), e.interactionId()))
                .append("tenantId", e.tenantId())
                .append("type", e.type().name())
                .append(
                        "direction",
                        e.direction() == null ? null : e.direction().name())
                .append("at", date(e.interactedAt()))
                .append("userId", e.userId())
                .append("departmentId", e.departmentId())
                .append("dealId", e.dealId())
                .append("appealTopic", e.appealTopic())
                .append("clientKey", clientKey);
        if (e.interactedAt() != null) {
            // inserted with the fact, settled after: the appeals and activity reports' rollups count it once
            List<Document> ops = new java.util.ArrayList<>();
            if (e.type() == InteractionType.APPEAL) {
                ops.addAll(DealRollups.appealPending(
                                e.tenantId(), e.userId(), e.departmentId(), e.appealTopic(), date(e.interactedAt()))
                        .getList("ops", Document.class));
            }
            ops.addAll(
                    ActivityRollups.interactionOps(e.tenantId(), e.userId(), e.departmentId(), date(e.interactedAt())));
            fact.append(DealRollups.PENDING, new Document("r", 1L).append("ops", ops));
        }
        to.insertOnce(fact, to.interactions());
        if (e.type() == InteractionType.CALL) {
            // The telephony call and its logged interaction describe one call: both land in one document,
            // each in its own sub-document (a field group written once per event), so whichever arrives first the
            // result is the same; the document's contribution to the activity rollups follows it (ActivityRollups).
            String callId = e.callId() != null ? e.callId() : "interaction:" + e.interactionId();
            setIfNewer(
                    to,
                    to.calls(),
                    key(e.tenantId(), callId),
                    "interactionV",
                    e,
                    new Update()
                            .set("tenantId", e.tenantId())
                            .set(
                                    "interaction",
                                    new Document("userId", e.userId())
                                            .append("departmentId", e.departmentId())
                                            .append("at", date(e.interactedAt()))
                                            .append(
                                                    "direction",
                                                    e.direction() == null
                                                            ? null
                                                            : e.direction().name())
                                            .append("clientKey", clientKey)));
        }
    }

    private void callEnded(CallEnded e, FactBatch to) {
        List<String> clientKeys = e.contactIds() == null
                ? List.of()
                : e.contactIds().stream()
                        .filter(Objects::nonNull)
                        .map(contactId -> pseudonyms.of(e.tenantId(), contactId))
                        .toList();
        setIfNewer(
                to,
                to.calls(),
                key(e.tenantId(), e.aggregateId()),
                "callV",
                e,
                new Update()
                        .set("tenantId", e.tenantId())
                        .set(
                                "call",
                                new Document("operatorId", e.operatorId())
                                        .append("direction", e.direction().name())
                                        .append("startedAt", date(e.startedAt()))
                                        .append("answered", e.answered())
                                        .append("durationSeconds", e.durationSeconds())
                                        .append("clientKeys", clientKeys)));
    }

    private void contactsMerged(ContactsMerged e, FactBatch to) {
        to.insertOnce(
                new Document("_id", key(e.tenantId(), pseudonyms.of(e.tenantId(), e.mergedContactId())))
                        .append("tenantId", e.tenantId())
                        .append("mergedKey", pseudonyms.of(e.tenantId(), e.mergedContactId()))
                        .append("survivorKey", pseudonyms.of(e.tenantId(), e.aggregateId())),
                to.clientAliases());
    }

    // ---- tasks and teams ------------------------------------------------------------------------------------

    private void taskCreated(TaskCreated e, FactBatch to) {
        String id = key(e.tenantId(), e.aggregateId());
        setIfNewer(
                to,
                to.tasks(),
                id,
                "assigneeV",
                e,
                task(e).set("assigneeId", e.assigneeId()).set("departmentId", e.departmentId()));
        setIfNewer(to, to.tasks(), id, "dueV", e, task(e).set("dueAt", date(e.dueAt())));
        setIfNewer(to, to.tasks(), id, "stateV", e, task(e).set("state", "OPEN"));
        setType(to, id, e, e.type());
    }

    /**
     * The task's type in a group of its own: a cancellation carries no type, so in the state group a cancellation
     * applied before the creation (a rebuild's replay next to the live listener) would leave the task without one.
     */
    private void setType(FactBatch to, String id, CrmEvent e, String type) {
        setIfNewer(to, to.tasks(), id, "typeV", e, task(e).set("type", type));
    }

    private void taskUpdated(TaskUpdated e, FactBatch to) {
        setIfNewer(
                to, to.tasks(), key(e.tenantId(), e.aggregateId()), "dueV", e, task(e).set("dueAt", date(e.dueAt())));
    }

    private void taskReassigned(TaskReassigned e, FactBatch to) {
        String id = key(e.tenantId(), e.aggregateId());
        setIfNewer(
                to,
                to.tasks(),
                id,
                "assigneeV",
                e,
                task(e).set("assigneeId", e.toAssigneeId()).set("departmentId", e.departmentId()));
        if (e.dueAt() != null) {
            setIfNewer(to, to.tasks(), id, "dueV", e, task(e).set("dueAt", date(e.dueAt())));
        }
    }

    private void taskCompleted(TaskCompleted e, FactBatch to) {
        String id = key(e.tenantId(), e.aggregateId());
        setIfNewer(
                to,
                to.tasks(),
                id,
                "assigneeV",
                e,
                task(e).set("assigneeId", e.assigneeId()).set("departmentId", e.departmentId()));
        if (e.dueAt() != null) {
            setIfNewer(to, to.tasks(), id, "dueV", e, task(e).set("dueAt", date(e.dueAt())));
        }
        setIfNewer(
                to, to.tasks(), id, "stateV", e, task(e).set("state", "DONE").set("completedAt", date(e.occurredAt())));
        setType(to, id, e, e.type());
    }

    private void taskCancelled(TaskCancelled e, FactBatch to) {
        String id = key(e.tenantId(), e.aggregateId());
        setIfNewer(
                to,
                to.tasks(),
                id,
                "assigneeV",
                e,
                task(e).set("assigneeId", e.assigneeId()).set("departmentId", e.departmentId()));
        setIfNewer(
                to,
                to.tasks(),
                id,
                "stateV",
                e,
                task(e).set("state", "CANCELLED").set("completedAt", null));
    }

    private void taskOverdue(TaskOverdue e, FactBatch to) {
        String id = key(e.tenantId(), e.aggregateId());
        setIfNewer(to, to.tasks(), id, "dueV", e, task(e).set("dueAt", date(e.dueAt())));
        // Who let it go overdue: escalation hands the task to someone else right after.
        setIfNewer(
                to,
                to.tasks(),
                id,
                "overdueV",
                e,
                task(e).set("overdue", true).set("overdueAssigneeId", e.assigneeId()));
    }

    private static Update task(CrmEvent e) {
        return new Update().set("tenantId", e.tenantId()).set("taskId", e.aggregateId());
    }

    private void teamUpdated(TeamUpdated e, FactBatch to) {
        // Only user ids: the members' names, e-mails and phones stay in the event.
        List<String> members = e.members() == null
                ? List.of()
                : e.members().stream()
                        .map(TeamMember::userId)
                        .filter(Objects::nonNull)
                        .toList();
        setIfNewer(
                to,
                to.teams(),
                key(e.tenantId(), e.aggregateId()),
                "teamV",
                e,
                new Update()
                        .set("tenantId", e.tenantId())
                        .set("departmentId", e.aggregateId())
                        .set("active", e.active())
                        .set("memberIds", members)
                        .set("headUserIds", e.headUserIds() == null ? List.of() : e.headUserIds()));
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /**
     * Sets a field group of a document (created if missing) unless the group already holds this or a newer
     * event of the aggregate: the platform's {@link IdempotentWrites#applyIfNewer} for one group of fields,
     * applied with the batch's other writes ({@link FactBatch}).
     */
    private static void setIfNewer(
            FactBatch to, String collection, String id, String versionField, CrmEvent event, Update update) {
        to.setIfNewer(collection, id, versionField, event.aggregateVersion(), update);
    }

    /** Ids are unique per tenant only; prefixing keeps two tenants' records apart in one collection. */
    public static String key(String tenantId, String id) {
        return tenantId + "|" + id;
    }

    private static Date date(Instant instant) {
        return instant == null ? null : Date.from(instant);
    }

    private static Decimal128 decimal(Money money) {
        return money == null || money.amount() == null ? null : new Decimal128(money.amount());
    }

    private static String currency(Money money) {
        return money == null ? null : money.currency();
    }
}
