package org.opencrm.tasks.task;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.springframework.stereotype.Component;

/** Tasks that will not be done because their deal was lost. */
@Component
public class TaskCancellation {

    private static final Actor SYSTEM = Actor.system("tasks-service/deals");

    private final Tasks tasks;

    TaskCancellation(Tasks tasks) {
        this.tasks = tasks;
    }

    /** Idempotent: a redelivered {@code DealLost} finds no open task left. */
    public void cancelOpenTasksOfDeal(String tenantId, String dealId, Instant now) {
        for (var task : tasks.repository().findByTenantIdAndDealIdAndStatus(tenantId, dealId, TaskStatus.OPEN)) {
            task.cancel("DEAL_CLOSED", SYSTEM, now);
            tasks.save(task);
        }
    }
}
