package org.opencrm.tasks;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.opencrm.tasks.task.Task;
import org.springframework.context.event.EventListener;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.mapping.event.AfterConvertEvent;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/**
 * Saves a task once more right after the service read it, as the due scanner's reminder, overdue mark or escalation
 * may between a user's command reading the task and saving it. Armed per task, once: the race a test needs, on
 * cue instead of by chance.
 */
public class BackgroundStepBetweenReadAndSave {

    private static final Set<String> ARMED = ConcurrentHashMap.newKeySet();

    private final MongoTemplate mongo;

    BackgroundStepBetweenReadAndSave(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** The next read of the task is followed by a background save of it (its version moves on). */
    public static void arm(String taskId) {
        ARMED.add(taskId);
    }

    @EventListener
    void afterRead(AfterConvertEvent<?> read) {
        if (read.getSource() instanceof Task task && ARMED.remove(task.getId())) {
            mongo.updateFirst(
                    new Query(where("_id").is(task.getId())), new Update().inc("version", 1), read.getCollectionName());
        }
    }
}
