package org.opencrm.notifications.digest;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.tasks.TaskCancelled;
import org.opencrm.events.tasks.TaskCompleted;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.events.tasks.TaskReassigned;
import org.opencrm.events.tasks.TaskUpdated;
import org.opencrm.platform.consumer.IdempotentWrites;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/** What the digests report on: a copy of every task's assignee, team, due time and state. */
@Component
public class TaskCopies {

    static final String COLLECTION = "task_copies";

    record TaskCopy(
            String id,
            String tenantId,
            String title,
            String assigneeId,
            String departmentId,
            Instant dueAt,
            String state,
            Instant completedAt) {}

    private final MongoTemplate mongo;
    private final IdempotentWrites writes;

    TaskCopies(MongoTemplate mongo) {
        this.mongo = mongo;
        this.writes = new IdempotentWrites(mongo);
    }

    public void apply(CrmEvent event) {
        Update update = switch (event) {
            case TaskCreated t ->
                new Update()
                        .set("title", t.title())
                        .set("assigneeId", t.assigneeId())
                        .set("departmentId", t.departmentId())
                        .set("dueAt", t.dueAt())
                        .set("state", "OPEN");
            case TaskUpdated t -> new Update().set("title", t.title()).set("dueAt", t.dueAt());
            case TaskReassigned t ->
                new Update().set("assigneeId", t.toAssigneeId()).set("departmentId", t.departmentId());
            case TaskCompleted t ->
                new Update()
                        .set("assigneeId", t.assigneeId())
                        .set("state", "DONE")
                        .set("completedAt", t.occurredAt());
            case TaskCancelled t -> new Update().set("state", "CANCELLED");
            default -> null;
        };
        if (update != null) {
            writes.applyIfNewer(
                    COLLECTION,
                    event.tenantId() + ":" + event.aggregateId(),
                    event,
                    update.set("tenantId", event.tenantId()).set("taskId", event.aggregateId()));
        }
    }

    /** Tasks assigned to the user or, for a head, belonging to one of {@code teams}. */
    List<org.bson.Document> of(String tenantId, String userId, Collection<String> teams) {
        Criteria whose = teams.isEmpty()
                ? where("assigneeId").is(userId)
                : new Criteria()
                        .orOperator(
                                where("assigneeId").is(userId),
                                where("departmentId").in(teams));
        return mongo.find(
                new Query(new Criteria().andOperator(where("tenantId").is(tenantId), whose)),
                org.bson.Document.class,
                COLLECTION);
    }
}
