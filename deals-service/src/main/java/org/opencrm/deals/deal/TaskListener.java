package org.opencrm.deals.deal;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Topics;
import org.opencrm.events.tasks.TaskCancelled;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.events.tasks.TaskReassigned;
import org.opencrm.events.tasks.TaskUpdated;
import org.opencrm.platform.consumer.IdempotentWrites;
import org.opencrm.platform.events.EventRecords;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Keeps {@link TaskHolders} from tasks-service's events. Each task's row takes only newer versions of the
 * task ({@link IdempotentWrites#applyIfNewer}), so redelivery, replay and a second instance change nothing.
 *
 * <p>A completed task keeps its holder's access: the measurer attaches the measurements after the visit,
 * often after ticking the task off. A cancelled task takes it away: its holder has no work on the deal.
 */
@Component
class TaskListener {

    private final IdempotentWrites writes;

    TaskListener(IdempotentWrites writes) {
        this.writes = writes;
    }

    @KafkaListener(topics = Topics.TASKS, groupId = "deals-service")
    void on(ConsumerRecord<String, String> record) {
        EventRecords.decode(record).ifPresent(this::apply);
    }

    private void apply(CrmEvent event) {
        switch (event) {
            case TaskCreated created ->
                write(created, new Update().set("dealId", created.dealId()).set("assigneeId", created.assigneeId()));
            case TaskReassigned reassigned -> {
                var update = new Update().set("assigneeId", reassigned.toAssigneeId());
                if (reassigned.dealId() != null) {
                    update.set("dealId", reassigned.dealId());
                }
                write(reassigned, update);
            }
            // Carries the task's current links: a task moved to another deal (or off any deal) moves the access.
            case TaskUpdated updated -> write(updated, new Update().set("dealId", updated.dealId()));
            case TaskCancelled cancelled -> write(cancelled, new Update().unset("assigneeId"));
            default -> {}
        }
    }

    private void write(CrmEvent event, Update update) {
        writes.applyIfNewer(
                TaskHolders.COLLECTION,
                TaskHolders.key(event.tenantId(), event.aggregateId()),
                event,
                update.set("tenantId", event.tenantId()).set("taskId", event.aggregateId()));
    }
}
