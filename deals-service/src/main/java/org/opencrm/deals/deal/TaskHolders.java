package org.opencrm.deals.deal;

import java.util.List;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.security.Visibility;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.Sort.Direction;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * Who holds a task on which deal, one document per task in {@value #COLLECTION} (kept by {@link TaskListener}).
 * A task holder may see the deal, attach files to it and move its stage, although the deal is neither theirs
 * nor their department's: the measurer of a sales deal. Kept apart from the deal document on purpose: the
 * deal's version is its ETag, and a task being assigned must neither change it nor race with a user's save.
 */
@Component
class TaskHolders {

    static final String COLLECTION = "deal_task_holders";

    private final MongoTemplate mongo;

    TaskHolders(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /**
     * Every deal request of a user outside the deal's department asks this collection by tenant and
     * assignee; creating an existing index is a no-op.
     */
    @EventListener(ApplicationReadyEvent.class)
    void index() {
        mongo.indexOps(COLLECTION)
                .createIndex(new Index()
                        .on("tenantId", Direction.ASC)
                        .on("assigneeId", Direction.ASC)
                        .on("dealId", Direction.ASC));
    }

    /** One document per task and tenant: a task id of another tenant never touches this tenant's row. */
    static String key(String tenantId, String taskId) {
        return tenantId + ":" + taskId;
    }

    /** Whether the user holds a task on the deal, inside the user's own tenant. */
    boolean holds(CurrentUser user, String dealId) {
        return mongo.exists(
                Query.query(Criteria.where("tenantId")
                        .is(user.tenantId())
                        .and("assigneeId")
                        .is(user.userId())
                        .and("dealId")
                        .is(dealId)),
                COLLECTION);
    }

    /** Ids of the deals on which the user holds a task, inside the user's own tenant. */
    List<String> dealsHeldBy(CurrentUser user) {
        var query = Query.query(Criteria.where("tenantId")
                .is(user.tenantId())
                .and("assigneeId")
                .is(user.userId())
                .and("dealId")
                .ne(null));
        return mongo.findDistinct(query, "dealId", COLLECTION, String.class);
    }

    /**
     * The platform's visibility OR "holds a task on it": what a list or the board may show. Equal to what
     * {@link DealService#load} lets through for one deal.
     */
    Criteria visible(CurrentUser user) {
        var held = dealsHeldBy(user);
        if (held.isEmpty()) {
            return Visibility.criteria(user);
        }
        return new Criteria()
                .orOperator(
                        Visibility.criteria(user),
                        Criteria.where("tenantId")
                                .is(user.tenantId())
                                .and("_id")
                                .in(held));
    }
}
