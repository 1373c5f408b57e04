package org.opencrm.deals.deal;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.opencrm.deals.pipeline.Pipeline;
import org.opencrm.deals.pipeline.Stage;
import org.opencrm.deals.pipeline.StageKind;
import org.opencrm.events.Actor;
import org.opencrm.events.Money;
import org.opencrm.events.deals.DealAmountChanged;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.events.deals.DealDocumentGenerated;
import org.opencrm.events.deals.DealLost;
import org.opencrm.events.deals.DealReassigned;
import org.opencrm.events.deals.DealReopened;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.events.deals.DealUpdated;
import org.opencrm.events.deals.DealWon;
import org.opencrm.events.deals.DocumentKind;
import org.opencrm.platform.outbox.AggregateRoot;
import org.opencrm.platform.privacy.ClientNames;
import org.opencrm.platform.web.ConflictException;
import org.opencrm.platform.web.InvalidRequestException;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A deal in a pipeline. It enforces its own rules (a closed deal moves only after a reopen, a loss needs a
 * reason of the tenant's list) and records an event for each change, published through its outbox.
 */
@Document(Deal.COLLECTION)
public class Deal extends AggregateRoot {

    public static final String COLLECTION = "deals";

    private String title;
    /** Lower-cased copy of the title: the embedded database has no $text, so search is a regex on this. */
    private String titleLower;

    private String contactId;
    private String companyId;
    private String pipelineId;
    private String stage;
    private StageKind stageKind;
    private Instant stageEnteredAt;
    /** The open stage a closed deal was closed from: where a reopen returns it by default. */
    private String closedFromStage;

    private BigDecimal amount;
    private String currency;
    private String ownerId;
    private String departmentId;
    private String source;
    private LocalDate expectedCloseDate;
    private Map<String, String> customValues = new LinkedHashMap<>();
    private String leadId;
    private List<LineItem> items = new ArrayList<>();
    private List<HistoryEntry> history = new ArrayList<>();
    private Instant createdAt;
    private Instant updatedAt;

    Deal() {}

    private Deal(String id, String tenantId) {
        super(id, tenantId);
    }

    /** What a new deal starts with, from a user or a lead. */
    record Opening(
            String title,
            String contactId,
            String companyId,
            BigDecimal amount,
            String currency,
            String ownerId,
            String departmentId,
            String source,
            LocalDate expectedCloseDate,
            Map<String, String> customValues,
            String leadId) {}

    static Deal open(String id, String tenantId, Opening o, Pipeline pipeline, Stage stage, Actor by, Instant now) {
        if (stage.kind() != StageKind.OPEN) {
            throw new InvalidRequestException("stage", "a new deal starts in an OPEN stage");
        }
        var deal = new Deal(id == null ? newId() : id, tenantId);
        deal.setTitle(o.title());
        deal.contactId = o.contactId();
        deal.companyId = o.companyId();
        deal.pipelineId = pipeline.id();
        deal.stage = stage.key();
        deal.stageKind = stage.kind();
        deal.stageEnteredAt = now;
        deal.amount = o.amount();
        deal.currency = o.currency();
        deal.ownerId = o.ownerId();
        deal.departmentId = o.departmentId();
        deal.source = o.source();
        deal.expectedCloseDate = o.expectedCloseDate();
        if (o.customValues() != null) {
            deal.customValues.putAll(o.customValues());
        }
        deal.leadId = o.leadId();
        deal.createdAt = now;
        deal.updatedAt = now;
        deal.history.add(HistoryEntry.stage(HistoryEntry.Kind.CREATED, now, by.id(), null, stage.key(), 0, null, null));
        var e = deal.nextEvent(by, now);
        deal.record(new DealCreated(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                pipeline.id(),
                stage.key(),
                stage.kind().name(),
                pipeline.position(stage.key()),
                stage.probability(),
                deal.title,
                deal.contactId,
                deal.companyId,
                deal.ownerId,
                deal.departmentId,
                deal.money(),
                deal.source,
                deal.leadId,
                deal.expectedCloseDate));
        return deal;
    }

    /**
     * Moves an open deal to another stage of its pipeline. Entering a LOST stage needs a reason the tenant
     * knows; a closed deal must be reopened first.
     */
    void moveTo(
            Pipeline pipeline,
            Stage to,
            String comment,
            String lossReason,
            Predicate<String> knownLossReason,
            Actor by) {
        if (stageKind.closed()) {
            throw new ConflictException(
                    "The deal is closed as " + stageKind + "; reopen it before moving it.",
                    Map.of("stage", stage, "stageKind", stageKind.name()));
        }
        if (to.key().equals(stage)) {
            throw new ConflictException("The deal is already in stage " + stage + ".", Map.of("stage", stage));
        }
        if (to.kind() == StageKind.LOST) {
            if (lossReason == null || lossReason.isBlank()) {
                throw new InvalidRequestException("lossReason", "is required to move a deal to a LOST stage");
            }
            if (!knownLossReason.test(lossReason)) {
                throw new InvalidRequestException("lossReason", "is not one of the tenant's loss reasons");
            }
        } else if (lossReason != null) {
            throw new InvalidRequestException("lossReason", "is only given when the deal is lost");
        }
        var now = Instant.now();
        String from = stage;
        changeStage(pipeline, to, comment, lossReason, by, now, HistoryEntry.Kind.STAGE);
        if (to.kind() == StageKind.WON) {
            closedFromStage = from;
            var e = nextEvent(by, now);
            record(new DealWon(
                    e.eventId(),
                    e.tenantId(),
                    e.aggregateId(),
                    e.aggregateVersion(),
                    e.occurredAt(),
                    e.actor(),
                    pipelineId,
                    to.key(),
                    from,
                    contactId,
                    ownerId,
                    departmentId,
                    money(),
                    createdAt));
        } else if (to.kind() == StageKind.LOST) {
            closedFromStage = from;
            var e = nextEvent(by, now);
            record(new DealLost(
                    e.eventId(),
                    e.tenantId(),
                    e.aggregateId(),
                    e.aggregateVersion(),
                    e.occurredAt(),
                    e.actor(),
                    pipelineId,
                    to.key(),
                    from,
                    lossReason,
                    contactId,
                    ownerId,
                    departmentId,
                    money(),
                    createdAt));
        }
    }

    /** Reopens a won or lost deal into an open stage (by default the one it was closed from). */
    void reopen(Pipeline pipeline, Stage to, String comment, Actor by) {
        if (!stageKind.closed()) {
            throw new ConflictException("The deal is open; only a won or lost deal can be reopened.", Map.of());
        }
        if (to.kind() != StageKind.OPEN) {
            throw new InvalidRequestException("stage", "a deal is reopened into an OPEN stage");
        }
        var now = Instant.now();
        String from = stage;
        changeStage(pipeline, to, comment, null, by, now, HistoryEntry.Kind.REOPENED);
        closedFromStage = null;
        var e = nextEvent(by, now);
        record(new DealReopened(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                pipelineId,
                from,
                to.key(),
                contactId,
                ownerId,
                departmentId,
                money()));
    }

    /**
     * Moves the deals of a stage removed from the pipeline to the stage replacing it; both are of the same
     * kind, so the deal stays open or closed as it was.
     */
    void relocate(Pipeline pipeline, Stage to, Actor by) {
        changeStage(pipeline, to, null, null, by, Instant.now(), HistoryEntry.Kind.STAGE);
    }

    private void changeStage(
            Pipeline pipeline,
            Stage to,
            String comment,
            String lossReason,
            Actor by,
            Instant now,
            HistoryEntry.Kind kind) {
        String from = stage;
        StageKind fromKind = stageKind;
        long seconds = Math.max(0, Duration.between(stageEnteredAt, now).toSeconds());
        int fromPosition = pipeline.position(from);
        stage = to.key();
        stageKind = to.kind();
        stageEnteredAt = now;
        updatedAt = now;
        history.add(HistoryEntry.stage(kind, now, by.id(), from, to.key(), seconds, comment, lossReason));
        var e = nextEvent(by, now);
        record(new DealStageChanged(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                pipelineId,
                from,
                to.key(),
                to.kind().name(),
                ownerId,
                departmentId,
                comment,
                lossReason,
                contactId,
                fromKind.name(),
                // A stage removed from the pipeline meanwhile has no position any more; -1 says so.
                fromPosition,
                pipeline.position(to.key()),
                to.probability(),
                money(),
                seconds));
    }

    /** The edits of a PATCH; a null field is left as it is. */
    record Edit(
            String title,
            String contactId,
            String companyId,
            String source,
            LocalDate expectedCloseDate,
            Map<String, String> customValues) {}

    void edit(Edit edit, Actor by) {
        List<String> changed = new ArrayList<>();
        if (edit.title() != null && !edit.title().equals(title)) {
            setTitle(edit.title());
            changed.add("title");
        }
        if (edit.contactId() != null && !edit.contactId().equals(contactId)) {
            contactId = edit.contactId();
            changed.add("contactId");
        }
        if (edit.companyId() != null && !edit.companyId().equals(companyId)) {
            companyId = edit.companyId();
            changed.add("companyId");
        }
        if (edit.source() != null && !edit.source().equals(source)) {
            source = edit.source();
            changed.add("source");
        }
        if (edit.expectedCloseDate() != null && !edit.expectedCloseDate().equals(expectedCloseDate)) {
            expectedCloseDate = edit.expectedCloseDate();
            changed.add("expectedCloseDate");
        }
        if (edit.customValues() != null && !edit.customValues().equals(customValues)) {
            customValues = new LinkedHashMap<>(edit.customValues());
            edit.customValues().keySet().forEach(k -> changed.add("cf." + k));
        }
        recordUpdate(changed, by);
    }

    private void recordUpdate(List<String> changed, Actor by) {
        if (changed.isEmpty()) {
            return;
        }
        var now = Instant.now();
        updatedAt = now;
        var e = nextEvent(by, now);
        record(new DealUpdated(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                List.copyOf(changed),
                pipelineId,
                title,
                contactId,
                companyId,
                ownerId,
                departmentId,
                source,
                expectedCloseDate));
    }

    void reassign(String newOwnerId, String newDepartmentId, Actor by) {
        if (Objects.equals(newOwnerId, ownerId) && Objects.equals(newDepartmentId, departmentId)) {
            return;
        }
        String fromOwner = ownerId;
        String fromDepartment = departmentId;
        ownerId = newOwnerId;
        departmentId = newDepartmentId;
        var now = Instant.now();
        updatedAt = now;
        history.add(HistoryEntry.owner(now, by.id(), fromOwner, newOwnerId));
        var e = nextEvent(by, now);
        record(new DealReassigned(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                pipelineId,
                contactId,
                fromOwner,
                newOwnerId,
                fromDepartment,
                newDepartmentId));
    }

    void changeAmount(BigDecimal newAmount, String newCurrency, Actor by) {
        if (Objects.equals(newAmount, amount) && Objects.equals(newCurrency, currency)) {
            return;
        }
        var previous = money();
        var previousAmount = amount;
        amount = newAmount;
        currency = newCurrency;
        var now = Instant.now();
        updatedAt = now;
        history.add(HistoryEntry.amount(now, by.id(), previousAmount, newAmount, newCurrency));
        var e = nextEvent(by, now);
        record(new DealAmountChanged(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                pipelineId,
                stage,
                contactId,
                ownerId,
                departmentId,
                previous,
                money()));
    }

    /** Replaces the quote's line items; a deal with items takes their total as its amount. */
    void replaceItems(List<LineItem> newItems, String itemsCurrency, Actor by) {
        items = new ArrayList<>(newItems);
        if (newItems.isEmpty()) {
            updatedAt = Instant.now();
            return;
        }
        changeAmount(Totals.of(newItems, itemsCurrency).total(), itemsCurrency, by);
        updatedAt = Instant.now();
    }

    /**
     * The client card was merged into another: the deal follows the survivor.
     *
     * @return whether the deal changed
     */
    boolean repointContact(String survivorId, Actor by) {
        if (survivorId.equals(contactId)) {
            return false;
        }
        contactId = survivorId;
        recordUpdate(List.of("contactId"), by);
        return true;
    }

    /**
     * The client asked to be forgotten: each of their names (the current one and earlier ones) is cut from the
     * title and from comments in the history, the only places a deal copies personal data to.
     *
     * @return whether the deal changed (nothing left to cut, as on a redelivered erasure, is no change)
     */
    boolean eraseClientNames(ClientNames names, Actor by) {
        boolean commentsChanged = false;
        var cut = new ArrayList<HistoryEntry>(history.size());
        for (var entry : history) {
            String comment = names.cutFrom(entry.comment());
            commentsChanged |= !Objects.equals(comment, entry.comment());
            cut.add(Objects.equals(comment, entry.comment()) ? entry : entry.withComment(comment));
        }
        if (commentsChanged) {
            history = cut;
        }
        String newTitle = names.cutFrom(title);
        boolean titleChanged = !Objects.equals(newTitle, title);
        if (titleChanged) {
            setTitle(newTitle);
            recordUpdate(List.of("title"), by);
        }
        return commentsChanged || titleChanged;
    }

    public void documentGenerated(
            String documentId, String templateId, DocumentKind kind, String enteredStage, Actor by) {
        var now = Instant.now();
        var e = nextEvent(by, now);
        record(new DealDocumentGenerated(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                documentId,
                templateId,
                kind,
                enteredStage,
                contactId,
                ownerId,
                departmentId));
    }

    private void setTitle(String newTitle) {
        title = newTitle;
        titleLower = newTitle == null ? null : newTitle.toLowerCase(Locale.ROOT);
    }

    Money money() {
        return amount == null ? null : new Money(amount, currency);
    }

    public String title() {
        return title;
    }

    public String contactId() {
        return contactId;
    }

    public String companyId() {
        return companyId;
    }

    public String pipelineId() {
        return pipelineId;
    }

    public String stage() {
        return stage;
    }

    public StageKind stageKind() {
        return stageKind;
    }

    public Instant stageEnteredAt() {
        return stageEnteredAt;
    }

    String closedFromStage() {
        return closedFromStage;
    }

    public BigDecimal amount() {
        return amount;
    }

    public String currency() {
        return currency;
    }

    public String ownerId() {
        return ownerId;
    }

    public String departmentId() {
        return departmentId;
    }

    public String source() {
        return source;
    }

    public LocalDate expectedCloseDate() {
        return expectedCloseDate;
    }

    public Map<String, String> customValues() {
        return Map.copyOf(customValues);
    }

    public String leadId() {
        return leadId;
    }

    public List<LineItem> items() {
        return List.copyOf(items);
    }

    public List<HistoryEntry> history() {
        return List.copyOf(history);
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }
}
