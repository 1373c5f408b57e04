package org.opencrm.deals.deal;

import org.opencrm.deals.pipeline.Pipeline;
import org.opencrm.deals.pipeline.Stage;
import org.opencrm.deals.pipeline.StageOccupancy;
import org.opencrm.platform.security.CurrentUser;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

@Component
class DealStageOccupancy implements StageOccupancy {

    private final MongoTemplate mongo;
    private final DealRepository deals;

    DealStageOccupancy(MongoTemplate mongo, DealRepository deals) {
        this.mongo = mongo;
        this.deals = deals;
    }

    @Override
    public long count(String tenantId, String pipelineId, String stageKey) {
        return mongo.count(inStage(tenantId, pipelineId, stageKey), Deal.class);
    }

    @Override
    public void moveAll(Pipeline pipeline, String from, Stage to, CurrentUser by) {
        var query = inStage(pipeline.tenantId(), pipeline.id(), from);
        query.fields().include("_id");
        for (var deal : mongo.find(query, Deal.class)) {
            relocate(deal.getId(), pipeline, from, to, by);
        }
    }

    /** Each deal is its own write; a concurrent edit of one deal only makes this one retry. */
    private void relocate(String id, Pipeline pipeline, String from, Stage to, CurrentUser by) {
        for (int attempt = 1; ; attempt++) {
            var deal = deals.findById(id).orElse(null);
            if (deal == null || !from.equals(deal.stage())) {
                return;
            }
            deal.relocate(pipeline, to, DealService.actor(by));
            try {
                deals.save(deal);
                return;
            } catch (OptimisticLockingFailureException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private static Query inStage(String tenantId, String pipelineId, String stage) {
        return Query.query(Criteria.where("tenantId")
                .is(tenantId)
                .and("pipelineId")
                .is(pipelineId)
                .and("stage")
                .is(stage));
    }
}
