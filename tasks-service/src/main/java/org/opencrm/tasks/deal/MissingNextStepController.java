package org.opencrm.tasks.deal;

import java.util.ArrayList;
import java.util.List;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.security.Visibility;
import org.opencrm.platform.web.PageRequests;
import org.opencrm.tasks.task.Tasks;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Open deals the caller may see that have no open task: the defects the product points out. */
@RestController
class MissingNextStepController {

    /** Deals read per round while filling a page, so a page never loads a whole tenant at once. */
    private static final int BATCH = 200;

    private final MongoTemplate mongo;
    private final Tasks tasks;

    MissingNextStepController(MongoTemplate mongo, Tasks tasks) {
        this.mongo = mongo;
        this.tasks = tasks;
    }

    record DealWithoutNextStepView(
            String dealId,
            String pipelineId,
            String stage,
            String title,
            String ownerId,
            String departmentId,
            String contactId,
            String lastTaskId,
            java.time.Instant since) {}

    record Page(List<DealWithoutNextStepView> items, String nextCursor) {}

    /** Ordered by deal id; {@code cursor} is the last deal id of the previous page. */
    @GetMapping("/api/tasks/missing-next-step")
    Page list(
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer size,
            CurrentUser user) {
        int pageSize = PageRequests.of(0, size).getPageSize();
        var items = new ArrayList<DealWithoutNextStepView>();
        String after = cursor;
        while (items.size() < pageSize) {
            var criteria = new ArrayList<Criteria>();
            criteria.add(Visibility.criteria(user));
            criteria.add(Criteria.where("open").is(true));
            if (after != null) {
                criteria.add(Criteria.where("_id").gt(after));
            }
            var batch = mongo.find(
                    new Query(new Criteria().andOperator(criteria))
                            .with(Sort.by("_id"))
                            .limit(BATCH),
                    DealState.class);
            for (var deal : batch) {
                after = deal.id();
                if (!tasks.dealHasOpenTask(deal.tenantId(), deal.id())) {
                    items.add(view(deal));
                    if (items.size() == pageSize) {
                        return new Page(items, after);
                    }
                }
            }
            if (batch.size() < BATCH) {
                return new Page(items, null);
            }
        }
        return new Page(items, after);
    }

    private static DealWithoutNextStepView view(DealState deal) {
        boolean afterTask = deal.lastTaskEndedAt() != null
                && (deal.openedAt() == null || deal.lastTaskEndedAt().isAfter(deal.openedAt()));
        return new DealWithoutNextStepView(
                deal.id(),
                deal.pipelineId(),
                deal.stage(),
                deal.title(),
                deal.ownerId(),
                deal.departmentId(),
                deal.contactId(),
                afterTask ? deal.lastTaskId() : null,
                afterTask ? deal.lastTaskEndedAt() : deal.openedAt());
    }
}
