package org.opencrm.tasks.deal;

import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Money;
import org.opencrm.events.Topics;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.events.deals.DealLost;
import org.opencrm.events.deals.DealReassigned;
import org.opencrm.events.deals.DealReopened;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.events.deals.DealUpdated;
import org.opencrm.events.deals.DealWon;
import org.opencrm.platform.consumer.IdempotentWrites;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.tasks.automation.RuleEngine;
import org.opencrm.tasks.task.TaskCancellation;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Keeps the deal copies current, cancels the open tasks of a lost deal and hands every deal event to the
 * automation rules. Each effect is idempotent on its own, so a redelivered event changes nothing.
 */
@Component
class DealEventsListener {

    private final IdempotentWrites writes;
    private final Deals deals;
    private final RuleEngine rules;
    private final TaskCancellation cancellation;
    private final Clock clock;

    DealEventsListener(
            IdempotentWrites writes, Deals deals, RuleEngine rules, TaskCancellation cancellation, Clock clock) {
        this.writes = writes;
        this.deals = deals;
        this.rules = rules;
        this.cancellation = cancellation;
        this.clock = clock;
    }

    @KafkaListener(topics = Topics.DEALS, groupId = "tasks-service")
    void on(ConsumerRecord<String, String> record) {
        var decoded = EventRecords.decode(record);
        if (decoded.isEmpty()) {
            return;
        }
        CrmEvent event = decoded.get();
        switch (event) {
            case DealCreated e -> {
                boolean open = "OPEN".equals(e.stageKind());
                var update = base(e).set("pipelineId", e.pipelineId())
                        .set("stage", e.stage())
                        .set("stageKind", e.stageKind())
                        .set("open", open)
                        .set("ownerId", e.ownerId())
                        .set("departmentId", e.departmentId())
                        .set("contactId", e.contactId())
                        .set("title", e.title())
                        .set("source", e.source())
                        .set("openedAt", e.occurredAt());
                money(update, e.amount());
                if (writes.applyIfNewer(DealState.COLLECTION, e.aggregateId(), e, update) && open) {
                    deals.watch(e.tenantId(), e.aggregateId());
                }
            }
            case DealStageChanged e -> {
                boolean open = "OPEN".equals(e.toStageKind());
                boolean reopened = open && !"OPEN".equals(e.fromStageKind());
                var update = base(e).set("pipelineId", e.pipelineId())
                        .set("stage", e.toStage())
                        .set("stageKind", e.toStageKind())
                        .set("open", open)
                        .set("ownerId", e.ownerId())
                        .set("departmentId", e.departmentId())
                        .set("contactId", e.contactId());
                money(update, e.amount());
                if (reopened) {
                    update.set("openedAt", e.occurredAt());
                }
                if (writes.applyIfNewer(DealState.COLLECTION, e.aggregateId(), e, update) && reopened) {
                    deals.watch(e.tenantId(), e.aggregateId());
                }
            }
            case DealWon e ->
                writes.applyIfNewer(
                        DealState.COLLECTION,
                        e.aggregateId(),
                        e,
                        base(e).set("stage", e.stage()).set("stageKind", "WON").set("open", false));
            case DealLost e -> {
                writes.applyIfNewer(
                        DealState.COLLECTION,
                        e.aggregateId(),
                        e,
                        base(e).set("stage", e.stage()).set("stageKind", "LOST").set("open", false));
                // Only while this loss is the deal's newest event: redelivered after the deal was reopened, it
                // would cancel the tasks of the deal's new life (a redelivery right after a crash between the two
                // writes still cancels).
                if (deals.isAt(e.tenantId(), e.aggregateId(), e.aggregateVersion())) {
                    cancellation.cancelOpenTasksOfDeal(e.tenantId(), e.aggregateId(), clock.instant());
                }
            }
            case DealReopened e -> {
                var update = base(e).set("stage", e.toStage())
                        .set("stageKind", "OPEN")
                        .set("open", true)
                        .set("ownerId", e.ownerId())
                        .set("departmentId", e.departmentId())
                        .set("openedAt", e.occurredAt());
                if (writes.applyIfNewer(DealState.COLLECTION, e.aggregateId(), e, update)) {
                    deals.watch(e.tenantId(), e.aggregateId());
                }
            }
            case DealReassigned e ->
                writes.applyIfNewer(
                        DealState.COLLECTION,
                        e.aggregateId(),
                        e,
                        base(e).set("ownerId", e.toOwnerId()).set("departmentId", e.toDepartmentId()));
            case DealUpdated e ->
                writes.applyIfNewer(
                        DealState.COLLECTION,
                        e.aggregateId(),
                        e,
                        base(e).set("title", e.title()).set("contactId", e.contactId()));
            default -> {}
        }
        rules.apply(event);
    }

    private static Update base(CrmEvent event) {
        return new Update().set("tenantId", event.tenantId());
    }

    private static void money(Update update, Money amount) {
        update.set("amount", amount == null ? null : amount.amount())
                .set("currency", amount == null ? null : amount.currency());
    }
}
