package org.opencrm.deals.deal;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.opencrm.deals.pipeline.Pipeline;
import org.opencrm.deals.pipeline.PipelineService;
import org.opencrm.deals.pipeline.Stage;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.InvalidRequestException;
import org.opencrm.platform.web.PageRequests;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Service;

/** Reads over many deals: the filtered list with cursor paging, and the pipeline board. */
@Service
class DealQueries {

    private final MongoTemplate mongo;
    private final PipelineService pipelines;
    private final TaskHolders taskHolders;

    DealQueries(MongoTemplate mongo, PipelineService pipelines, TaskHolders taskHolders) {
        this.mongo = mongo;
        this.pipelines = pipelines;
        this.taskHolders = taskHolders;
    }

    record Filter(String pipelineId, String stage, String ownerId, String contactId, boolean idle, String q) {}

    record DealPage(List<DealView> items, String nextCursor) {}

    /**
     * Newest first. The cursor is the (createdAt, id) of the last deal of the page, so a page never repeats
     * or skips a deal when deals are added meanwhile.
     */
    DealPage list(Filter filter, String cursor, Integer size, CurrentUser user) {
        int pageSize = PageRequests.of(0, size).getPageSize();
        List<Criteria> all = new ArrayList<>();
        all.add(taskHolders.visible(user));
        if (filter.pipelineId() != null) {
            all.add(Criteria.where("pipelineId").is(filter.pipelineId()));
        }
        if (filter.stage() != null) {
            all.add(Criteria.where("stage").is(filter.stage()));
        }
        if (filter.ownerId() != null) {
            all.add(Criteria.where("ownerId").is(filter.ownerId()));
        }
        if (filter.contactId() != null) {
            all.add(Criteria.where("contactId").is(filter.contactId()));
        }
        if (filter.q() != null && !filter.q().isBlank()) {
            all.add(Criteria.where("titleLower")
                    .regex(Pattern.quote(filter.q().toLowerCase(Locale.ROOT).trim())));
        }
        var pipelinesById = new LinkedHashMap<String, Pipeline>();
        pipelines.all(user.tenantId()).forEach(p -> pipelinesById.put(p.id(), p));
        if (filter.idle()) {
            all.add(idle(pipelinesById.values()));
        }
        if (cursor != null) {
            var after = Cursor.decode(cursor);
            all.add(new Criteria()
                    .orOperator(
                            Criteria.where("createdAt").lt(after.createdAt()),
                            new Criteria()
                                    .andOperator(
                                            Criteria.where("createdAt").is(after.createdAt()),
                                            Criteria.where("_id").lt(after.id()))));
        }
        var query = Query.query(new Criteria().andOperator(all))
                .with(Sort.by(Sort.Order.desc("createdAt"), Sort.Order.desc("_id")))
                .limit(pageSize + 1);
        var found = mongo.find(query, Deal.class);
        var page = found.size() > pageSize ? found.subList(0, pageSize) : found;
        String next = found.size() > pageSize ? Cursor.of(page.getLast()) : null;
        return new DealPage(
                page.stream()
                        .map(d -> DealView.of(d, pipelinesById.get(d.pipelineId())))
                        .toList(),
                next);
    }

    /** Open deals in a stage with an idle limit, not updated within it. */
    private static Criteria idle(Iterable<Pipeline> pipelines) {
        List<Criteria> stages = new ArrayList<>();
        var now = Instant.now();
        for (Pipeline p : pipelines) {
            for (Stage s : p.stages()) {
                if (s.idleAfterDays() != null && !s.kind().closed()) {
                    stages.add(Criteria.where("pipelineId")
                            .is(p.id())
                            .and("stage")
                            .is(s.key())
                            .and("updatedAt")
                            .lt(now.minus(s.idleAfterDays(), ChronoUnit.DAYS)));
                }
            }
        }
        return stages.isEmpty() ? Criteria.where("_id").in(List.of()) : new Criteria().orOperator(stages);
    }

    record StageSum(String currency, BigDecimal amount, BigDecimal weighted) {}

    record BoardStage(String key, String name, String kind, int probability, long count, List<StageSum> sums) {}

    record Board(String pipelineId, String name, List<BoardStage> stages) {}

    /**
     * Count, amount and weighted amount (amount x probability) per stage, over the deals the caller may see.
     * Summed here in BigDecimal per currency, not in the database: amounts of different currencies must not
     * be added, and the sums stay exact.
     */
    Board board(String pipelineId, CurrentUser user) {
        var pipeline = pipelines.get(user.tenantId(), pipelineId);
        var query = Query.query(new Criteria()
                .andOperator(
                        taskHolders.visible(user), Criteria.where("pipelineId").is(pipeline.id())));
        query.fields().include("stage", "amount", "currency", "tenantId", "ownerId", "departmentId");
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, Map<String, BigDecimal>> sums = new LinkedHashMap<>();
        for (var deal : mongo.find(query, org.bson.Document.class, Deal.COLLECTION)) {
            String stage = deal.getString("stage");
            counts.merge(stage, 1L, Long::sum);
            Object amount = deal.get("amount");
            if (amount != null) {
                BigDecimal value = amount instanceof org.bson.types.Decimal128 d
                        ? d.bigDecimalValue()
                        : new BigDecimal(amount.toString());
                sums.computeIfAbsent(stage, k -> new LinkedHashMap<>())
                        .merge(deal.getString("currency"), value, BigDecimal::add);
            }
        }
        var stages = pipeline.stages().stream()
                .map(s -> new BoardStage(
                        s.key(),
                        s.name(),
                        s.kind().name(),
                        s.probability(),
                        counts.getOrDefault(s.key(), 0L),
                        sums.getOrDefault(s.key(), Map.of()).entrySet().stream()
                                .map(e -> new StageSum(
                                        e.getKey(),
                                        e.getValue(),
                                        Amounts.round(
                                                e.getValue()
                                                        .multiply(BigDecimal.valueOf(s.probability()))
                                                        .divide(BigDecimal.valueOf(100)),
                                                e.getKey())))
                                .toList()))
                .toList();
        return new Board(pipeline.id(), pipeline.name(), stages);
    }

    private record Cursor(Instant createdAt, String id) {

        static String of(Deal deal) {
            String raw = deal.createdAt().toEpochMilli() + ":" + deal.getId();
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor) {
            try {
                String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int colon = raw.indexOf(':');
                return new Cursor(
                        Instant.ofEpochMilli(Long.parseLong(raw.substring(0, colon))), raw.substring(colon + 1));
            } catch (RuntimeException e) {
                throw new InvalidRequestException("cursor", "is not a cursor this service returned");
            }
        }
    }
}
