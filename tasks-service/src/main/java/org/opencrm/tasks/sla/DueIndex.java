package org.opencrm.tasks.sla;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.opencrm.tasks.TasksProperties;
import org.opencrm.tasks.task.Task;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.BulkOperations;
import org.springframework.data.mongodb.core.FindAndReplaceOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * Writes and reads the due index. Writers add entries <em>before</em> saving the task they are for: an
 * entry without its task is dropped when it fires, while a task saved without its entry would never be
 * escalated.
 */
@Component
public class DueIndex {

    private final MongoTemplate mongo;
    private final Clock clock;
    private final Duration dueSoonLead;

    DueIndex(MongoTemplate mongo, Clock clock, TasksProperties properties) {
        this.mongo = mongo;
        this.clock = clock;
        this.dueSoonLead = properties.sla().dueSoonLead();
    }

    /** Entries for the reminder and the overdue report of an open task's current due time. */
    public void watch(Task task) {
        if (!task.isOpen() || task.dueAt() == null) {
            return;
        }
        Instant now = clock.instant();
        Instant remindAt = task.dueAt().minus(dueSoonLead);
        var timers = new ArrayList<Timer>(2);
        if (now.isBefore(task.dueAt())) {
            timers.add(timer(TimerKind.DUE_SOON, remindAt.isBefore(now) ? now : remindAt, task, now));
        }
        timers.add(timer(TimerKind.OVERDUE, task.dueAt(), task, now));
        if (timers.size() == 1) {
            mongo.save(timers.getFirst());
            return;
        }
        // both entries in one round trip (every task a rule creates passes here, one per event)
        var bulk = mongo.bulkOps(BulkOperations.BulkMode.UNORDERED, Timer.class);
        for (var timer : timers) {
            bulk.replaceOne(
                    new Query(Criteria.where("_id").is(timer.id())),
                    timer,
                    FindAndReplaceOptions.options().upsert());
        }
        bulk.execute();
    }

    void escalateLater(Task task, Instant at) {
        put(TimerKind.REASSIGN, at, task, clock.instant());
    }

    /** A check whether the deal has an open next step, at {@code at}. */
    public void checkNextStep(String tenantId, String dealId, Instant at) {
        var timer = new Timer(
                Timer.id(TimerKind.NEXT_STEP, at, dealId),
                TimerKind.NEXT_STEP,
                tenantId,
                dealId,
                at,
                null,
                null,
                clock.instant());
        mongo.save(timer);
    }

    private void put(TimerKind kind, Instant at, Task task, Instant now) {
        mongo.save(timer(kind, at, task, now));
    }

    private static Timer timer(TimerKind kind, Instant at, Task task, Instant now) {
        return new Timer(
                Timer.id(kind, at, task.getId()),
                kind,
                task.getTenantId(),
                task.getId(),
                at,
                task.dueAt(),
                task.assigneeId(),
                now);
    }

    /** Entries of a kind due at or before now, oldest first: a range read on the id. */
    List<Timer> due(TimerKind kind, int limit) {
        var query = new Query(Criteria.where("_id").gte(Timer.prefix(kind)).lt(Timer.upperBound(kind, clock.instant())))
                .with(Sort.by("_id"))
                .limit(limit);
        return mongo.find(query, Timer.class);
    }

    void done(Timer timer) {
        mongo.remove(new Query(Criteria.where("_id").is(timer.id())), Timer.class);
    }
}
