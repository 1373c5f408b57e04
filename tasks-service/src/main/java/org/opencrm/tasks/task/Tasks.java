package org.opencrm.tasks.task;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import org.opencrm.tasks.sla.DueIndex;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

/**
 * Saving a task always goes through here, so its due-index entries are written first (see
 * {@link DueIndex}) and nobody forgets them.
 */
@Component
public class Tasks {

    private final TaskRepository repository;
    private final DueIndex dueIndex;
    private final Counter created;

    Tasks(TaskRepository repository, DueIndex dueIndex, MeterRegistry meters) {
        this.repository = repository;
        this.dueIndex = dueIndex;
        this.created = Counter.builder("crm.tasks.created")
                .description("Tasks created: by users, as next steps and by automation rules")
                .register(meters);
    }

    public Optional<Task> find(String tenantId, String id) {
        return repository.findById(id).filter(t -> t.getTenantId().equals(tenantId));
    }

    public Task save(Task task) {
        dueIndex.watch(task);
        boolean isNew = task.getVersion() == null;
        Task saved = repository.save(task);
        if (isNew) {
            created.increment();
        }
        return saved;
    }

    /**
     * Inserts a task whose id was derived from what caused it (an event and a rule, a completed task).
     *
     * @return false if that id exists already: the cause was handled before
     */
    public boolean insertOnce(Task task) {
        dueIndex.watch(task);
        try {
            repository.insert(task);
            created.increment();
            return true;
        } catch (DuplicateKeyException alreadyCreated) {
            return false;
        }
    }

    public long openTasksOf(String tenantId, String userId) {
        return repository.countByTenantIdAndAssigneeIdAndStatus(tenantId, userId, TaskStatus.OPEN);
    }

    public boolean dealHasOpenTask(String tenantId, String dealId) {
        return repository.existsByTenantIdAndDealIdAndStatus(tenantId, dealId, TaskStatus.OPEN);
    }

    public TaskRepository repository() {
        return repository;
    }
}
