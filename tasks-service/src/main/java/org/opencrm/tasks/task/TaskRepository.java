package org.opencrm.tasks.task;

import java.util.List;
import org.springframework.data.mongodb.repository.MongoRepository;

public interface TaskRepository extends MongoRepository<Task, String> {

    List<Task> findByTenantIdAndAssigneeIdAndDepartmentIdAndStatus(
            String tenantId, String assigneeId, String departmentId, TaskStatus status);

    List<Task> findByTenantIdAndDealIdAndStatus(String tenantId, String dealId, TaskStatus status);

    List<Task> findByTenantIdAndContactIdAndStatus(String tenantId, String contactId, TaskStatus status);

    List<Task> findByTenantIdAndContactId(String tenantId, String contactId);

    boolean existsByTenantIdAndDealIdAndStatus(String tenantId, String dealId, TaskStatus status);

    long countByTenantIdAndAssigneeIdAndStatus(String tenantId, String assigneeId, TaskStatus status);
}
