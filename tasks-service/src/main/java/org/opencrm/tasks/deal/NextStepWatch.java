package org.opencrm.tasks.deal;

import java.time.Clock;
import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.tasks.sla.DealCheck;
import org.opencrm.tasks.sla.DueIndex;
import org.opencrm.tasks.task.Tasks;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * Decides, when a deal's check fires, whether the deal is open without an open task, and reports each such
 * episode once with {@code DealWithoutNextStep}. Two instances checking at once race on the follow-up
 * record's insert or version; the loser's entry stays and finds the episode reported next time.
 */
@Component
class NextStepWatch implements DealCheck {

    private static final Actor SYSTEM = Actor.system("tasks-service/next-step");

    private final Deals deals;
    private final Tasks tasks;
    private final MongoTemplate mongo;
    private final DueIndex dueIndex;
    private final Clock clock;

    NextStepWatch(Deals deals, Tasks tasks, MongoTemplate mongo, DueIndex dueIndex, Clock clock) {
        this.deals = deals;
        this.tasks = tasks;
        this.mongo = mongo;
        this.dueIndex = dueIndex;
        this.clock = clock;
    }

    @Override
    public boolean checkNextStep(String tenantId, String dealId) {
        var deal = deals.find(tenantId, dealId).orElse(null);
        if (deal == null || !deal.open() || tasks.dealHasOpenTask(tenantId, dealId)) {
            return true;
        }
        boolean afterTask = deal.lastTaskEndedAt() != null
                && (deal.openedAt() == null || deal.lastTaskEndedAt().isAfter(deal.openedAt()));
        Instant since = afterTask ? deal.lastTaskEndedAt() : deal.openedAt();
        if (since == null) {
            return true;
        }
        Instant now = clock.instant();
        if (now.isBefore(since.plus(deals.grace()))) {
            dueIndex.checkNextStep(tenantId, dealId, since.plus(deals.grace()));
            return true;
        }
        String lastTaskId = afterTask ? deal.lastTaskId() : null;
        String episode = afterTask ? "task:" + lastTaskId : "opened:" + since.toEpochMilli();
        var followUp = mongo.findById(dealId, DealFollowUp.class);
        if (followUp == null) {
            followUp = new DealFollowUp(dealId, tenantId);
        }
        if (followUp.report(episode, deal, lastTaskId, since, SYSTEM, now)) {
            if (followUp.getVersion() == null) {
                mongo.insert(followUp);
            } else {
                mongo.save(followUp);
            }
        }
        return true;
    }
}
