package org.opencrm.tasks.deal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.opencrm.tasks.TasksProperties;
import org.opencrm.tasks.sla.DueIndex;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/** The deal copies, for the other features. */
@Component
public class Deals {

    private final MongoTemplate mongo;
    private final DueIndex dueIndex;
    private final Clock clock;
    private final Duration grace;

    Deals(MongoTemplate mongo, DueIndex dueIndex, Clock clock, TasksProperties properties) {
        this.mongo = mongo;
        this.dueIndex = dueIndex;
        this.clock = clock;
        this.grace = properties.nextStepGrace();
    }

    public Optional<DealState> find(String tenantId, String dealId) {
        if (dealId == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(mongo.findById(dealId, DealState.class))
                .filter(d -> d.tenantId().equals(tenantId));
    }

    /**
     * Whether the deal's copy is at exactly this version: the event is the newest the copy applied (its first
     * delivery, or a redelivery before anything newer arrived), not an old one delivered again.
     */
    boolean isAt(String tenantId, String dealId, long version) {
        return mongo.exists(
                new Query(Criteria.where("_id")
                        .is(dealId)
                        .and("tenantId")
                        .is(tenantId)
                        .and(org.opencrm.platform.consumer.IdempotentWrites.SOURCE_VERSION)
                        .is(version)),
                DealState.COLLECTION);
    }

    /**
     * A task of the deal was completed or cancelled: if that leaves the deal without an open task, a new
     * missing-next-step episode starts, so look at the deal once the grace period is over.
     */
    public void taskEnded(String tenantId, String dealId, String taskId) {
        Instant now = clock.instant();
        mongo.updateFirst(
                new Query(Criteria.where("_id").is(dealId).and("tenantId").is(tenantId)),
                new Update().set("lastTaskId", taskId).set("lastTaskEndedAt", now),
                DealState.class);
        dueIndex.checkNextStep(tenantId, dealId, now.plus(grace));
    }

    void watch(String tenantId, String dealId) {
        dueIndex.checkNextStep(tenantId, dealId, clock.instant().plus(grace));
    }

    Duration grace() {
        return grace;
    }
}
