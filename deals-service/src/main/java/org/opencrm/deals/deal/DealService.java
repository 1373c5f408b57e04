package org.opencrm.deals.deal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.opencrm.deals.deal.DealRequests.CloseRequest;
import org.opencrm.deals.deal.DealRequests.CreateDealRequest;
import org.opencrm.deals.deal.DealRequests.ItemsRequest;
import org.opencrm.deals.deal.DealRequests.MoneyRequest;
import org.opencrm.deals.deal.DealRequests.ReopenRequest;
import org.opencrm.deals.deal.DealRequests.StageChangeRequest;
import org.opencrm.deals.deal.DealRequests.UpdateDealRequest;
import org.opencrm.deals.pipeline.Pipeline;
import org.opencrm.deals.pipeline.PipelineService;
import org.opencrm.deals.pipeline.Stage;
import org.opencrm.deals.pipeline.StageKind;
import org.opencrm.deals.settings.DealSettingsService;
import org.opencrm.events.Actor;
import org.opencrm.platform.privacy.ClientNames;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.security.Role;
import org.opencrm.platform.security.Visibility;
import org.opencrm.platform.web.ConflictException;
import org.opencrm.platform.web.ETags;
import org.opencrm.platform.web.InvalidRequestException;
import org.opencrm.platform.web.NotFoundException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;

/** The deal commands: each loads one deal, lets it decide, and saves it once. */
@Service
public class DealService {

    private final DealRepository deals;
    private final MongoTemplate mongo;
    private final PipelineService pipelines;
    private final DealSettingsService settings;
    private final StageDocuments stageDocuments;
    private final TaskHolders taskHolders;
    private final Counter created;
    private final Counter won;
    private final Counter lost;
    private final Counter stageChanges;

    DealService(
            DealRepository deals,
            MongoTemplate mongo,
            PipelineService pipelines,
            DealSettingsService settings,
            StageDocuments stageDocuments,
            TaskHolders taskHolders,
            MeterRegistry meters) {
        this.deals = deals;
        this.mongo = mongo;
        this.pipelines = pipelines;
        this.settings = settings;
        this.stageDocuments = stageDocuments;
        this.taskHolders = taskHolders;
        // Counted after the save that records the fact: a refused or conflicting command counts nothing.
        this.created = Counter.builder("crm.deals.created")
                .description("Deals opened, by a user or from a lead")
                .register(meters);
        this.won = Counter.builder("crm.deals.won")
                .description("Deals closed as won")
                .register(meters);
        this.lost = Counter.builder("crm.deals.lost")
                .description("Deals closed as lost")
                .register(meters);
        this.stageChanges = Counter.builder("crm.deals.stage.changes")
                .description("Deal stage changes: moves, closes and reopens")
                .register(meters);
    }

    /**
     * A deal the user may see: by the platform's visibility or because the user holds a task on it. 404 for
     * one of another tenant or outside both. Reading, attaching files and moving the stage (closing included:
     * tasks-service closes the deal for the user who completes its last task) need only this.
     */
    public Deal load(String id, CurrentUser user) {
        return deals.findById(id)
                .filter(d ->
                        visible(d, user) || (user.tenantId().equals(d.getTenantId()) && taskHolders.holds(user, id)))
                .orElseThrow(() -> NotFoundException.of("deal", id));
    }

    /**
     * A deal the user may change beyond its stage (edit, items, reopen, documents): only by the
     * platform's visibility. A task holder who sees the deal gets 403 here, anyone else 404.
     */
    public Deal loadToEdit(String id, CurrentUser user) {
        var deal = load(id, user);
        if (!visible(deal, user)) {
            throw new AccessDeniedException("A task on the deal allows reading, attaching and moving its stage only");
        }
        return deal;
    }

    private static boolean visible(Deal deal, CurrentUser user) {
        return Visibility.canSee(user, deal.getTenantId(), deal.ownerId(), deal.departmentId());
    }

    public Deal save(Deal deal) {
        return deals.save(deal);
    }

    public Pipeline pipelineOf(Deal deal) {
        return pipelines.get(deal.getTenantId(), deal.pipelineId());
    }

    Deal create(CreateDealRequest request, CurrentUser user) {
        String departmentId = request.departmentId() != null ? request.departmentId() : defaultDepartment(user);
        if (departmentId != null && !user.isIn(departmentId) && !tenantWide(user)) {
            throw new InvalidRequestException("departmentId", "is not one of your departments");
        }
        String ownerId = request.ownerId();
        if (ownerId == null) {
            ownerId = user.hasRole(Role.INTEGRATION) ? null : user.userId();
        } else if (!ownerId.equals(user.userId()) && !mayAssignOthers(user)) {
            throw new AccessDeniedException("Only a head or an admin assigns deals to someone else");
        }
        Pipeline pipeline = request.pipelineId() != null
                ? pipelines.get(user.tenantId(), request.pipelineId())
                : pipelines.forDepartment(user.tenantId(), departmentId);
        Stage stage = request.stage() != null
                ? pipeline.stage(request.stage())
                        .orElseThrow(() -> new InvalidRequestException("stage", "is not a stage of the pipeline"))
                : pipeline.firstOfKind(StageKind.OPEN).orElseThrow();
        var amount = money(request.amount(), "amount");
        var opening = new Deal.Opening(
                request.title(),
                request.contactId(),
                request.companyId(),
                amount == null ? null : amount.amount(),
                amount == null ? null : amount.currency(),
                ownerId,
                departmentId,
                request.source(),
                request.expectedCloseDate(),
                request.customValues(),
                null);
        var saved = deals.save(Deal.open(null, user.tenantId(), opening, pipeline, stage, actor(user), Instant.now()));
        created.increment();
        return saved;
    }

    Deal update(String id, String ifMatch, UpdateDealRequest request, CurrentUser user) {
        var deal = loadToEdit(id, user);
        ETags.requireIfMatch(ifMatch, deal.getVersion());
        var by = actor(user);
        deal.edit(
                new Deal.Edit(
                        request.title(),
                        request.contactId(),
                        request.companyId(),
                        request.source(),
                        request.expectedCloseDate(),
                        request.customValues()),
                by);
        if (request.amount() != null) {
            if (!deal.items().isEmpty()) {
                throw new ConflictException(
                        "The deal's amount is the total of its line items; change the items instead.", Map.of());
            }
            var amount = money(request.amount(), "amount");
            deal.changeAmount(amount.amount(), amount.currency(), by);
        }
        if (request.ownerId() != null || request.departmentId() != null) {
            String owner = request.ownerId() != null ? request.ownerId() : deal.ownerId();
            String department = request.departmentId() != null ? request.departmentId() : deal.departmentId();
            if (owner != null
                    && !owner.equals(deal.ownerId())
                    && !owner.equals(user.userId())
                    && !mayAssignOthers(user)) {
                throw new AccessDeniedException("Only a head or an admin assigns deals to someone else");
            }
            if (department != null
                    && !department.equals(deal.departmentId())
                    && !user.isIn(department)
                    && !tenantWide(user)) {
                throw new InvalidRequestException("departmentId", "is not one of your departments");
            }
            deal.reassign(owner, department, by);
        }
        return deals.save(deal);
    }

    Deal changeStage(String id, String ifMatch, StageChangeRequest request, CurrentUser user) {
        var deal = load(id, user);
        ETags.requireIfMatch(ifMatch, deal.getVersion());
        var pipeline = pipelineOf(deal);
        var to = pipeline.stage(request.stage())
                .orElseThrow(() -> new InvalidRequestException("stage", "is not a stage of the deal's pipeline"));
        return move(deal, pipeline, to, request.comment(), request.lossReason(), actor(user));
    }

    /**
     * Closes a deal as won or lost into its pipeline's first stage of that kind, under the same rules as a
     * stage change. If-Match is optional: tasks-service closes on the user's behalf from a task.
     */
    Deal close(String id, String ifMatch, CloseRequest request, CurrentUser user) {
        var deal = load(id, user);
        ETags.checkIfMatch(ifMatch, deal.getVersion());
        var pipeline = pipelineOf(deal);
        var kind = request.outcome() == DealRequests.Outcome.WON ? StageKind.WON : StageKind.LOST;
        var to = pipeline.firstOfKind(kind)
                .orElseThrow(() -> new ConflictException(
                        "The deal's pipeline has no " + kind + " stage.", Map.of("pipelineId", pipeline.id())));
        return move(deal, pipeline, to, request.comment(), request.lossReason(), actor(user));
    }

    private Deal move(Deal deal, Pipeline pipeline, Stage to, String comment, String lossReason, Actor by) {
        // the tenant's settings only matter for a loss reason: a move to any other stage does not read them
        // (one database round trip fewer on the commonest command; bench B8)
        deal.moveTo(
                pipeline,
                to,
                comment,
                lossReason,
                reason -> settings.of(deal.getTenantId()).knowsLossReason(reason),
                by);
        if (to.templateId() != null) {
            stageDocuments.renderOnEntry(deal, to.templateId(), by);
        }
        var saved = deals.save(deal);
        stageChanges.increment();
        if (to.kind() == StageKind.WON) {
            won.increment();
        } else if (to.kind() == StageKind.LOST) {
            lost.increment();
        }
        return saved;
    }

    Deal reopen(String id, String ifMatch, ReopenRequest request, CurrentUser user) {
        var deal = loadToEdit(id, user);
        ETags.requireIfMatch(ifMatch, deal.getVersion());
        var pipeline = pipelineOf(deal);
        String target = request.stage() != null ? request.stage() : deal.closedFromStage();
        Stage to = (target == null ? java.util.Optional.<Stage>empty() : pipeline.stage(target))
                .or(() -> pipeline.firstOfKind(StageKind.OPEN))
                .orElseThrow();
        if (request.stage() != null && pipeline.stage(request.stage()).isEmpty()) {
            throw new InvalidRequestException("stage", "is not a stage of the deal's pipeline");
        }
        deal.reopen(pipeline, to, request.comment(), actor(user));
        var saved = deals.save(deal);
        stageChanges.increment();
        return saved;
    }

    Deal replaceItems(String id, String ifMatch, ItemsRequest request, CurrentUser user) {
        var deal = loadToEdit(id, user);
        ETags.requireIfMatch(ifMatch, deal.getVersion());
        String currency = request.currency() != null ? request.currency() : deal.currency();
        if (currency == null) {
            throw new InvalidRequestException("currency", "is required while the deal has no amount");
        }
        Amounts.currency(currency, "currency");
        List<LineItem> items = request.items().stream()
                .map(i -> LineItem.priced(
                        i.productCode(),
                        i.name(),
                        i.quantity(),
                        i.unit(),
                        i.unitPrice(),
                        i.discountPercent(),
                        i.taxPercent(),
                        currency))
                .toList();
        deal.replaceItems(items, currency, actor(user));
        return deals.save(deal);
    }

    public boolean exists(String id) {
        return deals.existsById(id);
    }

    /** What lead intake decided for a lead's deal. */
    public record LeadDeal(
            String leadId, String title, String contactId, String ownerId, String departmentId, String source) {}

    /**
     * Opens the deal of a lead under an id derived from the lead, so a second delivery (or a second
     * instance) cannot open another: the insert of the same id is refused.
     *
     * @return false when the deal already existed
     */
    public boolean openFromLead(String dealId, String tenantId, LeadDeal lead, Actor by) {
        var pipeline = pipelines.forDepartment(tenantId, lead.departmentId());
        var stage = pipeline.firstOfKind(StageKind.OPEN).orElseThrow();
        var opening = new Deal.Opening(
                lead.title(),
                lead.contactId(),
                null,
                null,
                null,
                lead.ownerId(),
                lead.departmentId(),
                lead.source(),
                null,
                null,
                lead.leadId());
        try {
            deals.insert(Deal.open(dealId, tenantId, opening, pipeline, stage, by, Instant.now()));
            // A redelivered lead hits the derived id below and is not counted again.
            created.increment();
            return true;
        } catch (DuplicateKeyException alreadyOpened) {
            return false;
        }
    }

    /** A merged card's deals follow the survivor. */
    public void repointContact(String tenantId, String mergedId, String survivorId, Actor by) {
        forEachDealOf(tenantId, mergedId, deal -> deal.repointContact(survivorId, by));
    }

    /** Cuts an erased client's name out of their deals. */
    public void eraseClientNames(String tenantId, String contactId, ClientNames names, Actor by) {
        forEachDealOf(tenantId, contactId, deal -> deal.eraseClientNames(names, by));
    }

    /**
     * Applies {@code change} to each deal of the card and saves the deals it changed. A deal it leaves alone is
     * not saved: a save raises the version (the ETag a user's next If-Match must carry), so a redelivered merge
     * or erasure, or one a second instance applies at the same time, would otherwise change every deal again.
     */
    private void forEachDealOf(String tenantId, String contactId, Predicate<Deal> change) {
        var query = Query.query(
                Criteria.where("tenantId").is(tenantId).and("contactId").is(contactId));
        query.fields().include("_id");
        for (var found : mongo.find(query, Deal.class)) {
            // One write per deal; a concurrent edit of a deal only makes that deal retry.
            for (int attempt = 1; ; attempt++) {
                var deal = deals.findById(found.getId()).orElse(null);
                if (deal == null || !contactId.equals(deal.contactId())) {
                    break;
                }
                if (!change.test(deal)) {
                    break;
                }
                try {
                    deals.save(deal);
                    break;
                } catch (OptimisticLockingFailureException e) {
                    if (attempt == 5) {
                        throw e;
                    }
                }
            }
        }
    }

    static Actor actor(CurrentUser user) {
        return user.hasRole(Role.INTEGRATION) ? Actor.integration(user.userId()) : Actor.user(user.userId());
    }

    private static MoneyRequest money(MoneyRequest request, String field) {
        if (request == null) {
            return null;
        }
        BigDecimal exact = Amounts.exact(request.amount(), request.currency(), field);
        return new MoneyRequest(exact, request.currency());
    }

    private static String defaultDepartment(CurrentUser user) {
        return user.departments().stream().sorted().findFirst().orElse(null);
    }

    private static boolean tenantWide(CurrentUser user) {
        return user.hasAnyRole(Role.ADMIN, Role.INTEGRATION);
    }

    private static boolean mayAssignOthers(CurrentUser user) {
        return user.hasAnyRole(Role.ADMIN, Role.HEAD, Role.INTEGRATION);
    }
}
