package org.opencrm.analytics.query;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.opencrm.analytics.projection.ProjectionCollections;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * The pipeline as it stood on a past date, replayed from the deal history facts up to that moment: the last
 * stage entry of each deal gives its stage and probability, later amount changes and reassignments before the
 * moment override its amount and owner. Visibility and filters apply to the owner and department of that time.
 */
@Component
class PipelineAsOfQuery {

    private final MongoTemplate mongo;

    PipelineAsOfQuery(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    PipelineAsOfReport run(ProjectionCollections facts, AnalyticsScope scope, LocalDate date, ZoneId zone) {
        Date until = Date.from(date.plusDays(1).atStartOfDay(zone).toInstant());
        List<Criteria> criteria = new ArrayList<>(
                List.of(where("tenantId").is(scope.tenantId()), where("at").lt(until)));
        if (scope.filters().pipelineId() != null) {
            criteria.add(where("pipelineId").is(scope.filters().pipelineId()));
        }
        // in batches: without a batch size the embedded server answers the whole sorted history in one reply,
        // which at 100,000 deals exceeded the driver's 48 MB limit (bench B3)
        var query = new Query(new Criteria().andOperator(criteria))
                .with(Sort.by("dealKey", "version"))
                .cursorBatchSize(2_000);

        Map<String, DealState> deals = new HashMap<>();
        try (var history = mongo.stream(query, Document.class, facts.dealHistory())) {
            history.forEach(fact -> deals.computeIfAbsent(fact.getString("dealKey"), k -> new DealState())
                    .apply(fact));
        }

        Map<List<Object>, Builder> rows = new LinkedHashMap<>();
        for (DealState deal : deals.values()) {
            if (deal.stage == null || !visible(scope, deal)) {
                continue;
            }
            var row = rows.computeIfAbsent(
                    List.of(deal.pipelineId, deal.stage), k -> new Builder(deal.pipelineId, deal.stage));
            row.stageKind = deal.stageKind;
            row.position = deal.position;
            row.deals++;
            Figures.add(row.value, deal.currency, deal.amount);
            if (deal.amount != null) {
                Figures.add(
                        row.weighted,
                        deal.currency,
                        Figures.decimal(deal.amount)
                                .multiply(BigDecimal.valueOf(deal.probability))
                                .movePointLeft(2));
            }
        }
        List<PipelineAsOfReport.Row> result = new ArrayList<>();
        rows.values().forEach(b -> result.add(b.build()));
        result.sort(Comparator.comparing(PipelineAsOfReport.Row::pipelineId)
                .thenComparingInt(PipelineAsOfReport.Row::position)
                .thenComparing(PipelineAsOfReport.Row::stage));
        return new PipelineAsOfReport(date.toString(), zone.getId(), result);
    }

    /** The scope's rule on the deal's owner and department at the time. */
    private static boolean visible(AnalyticsScope scope, DealState deal) {
        var filters = scope.filters();
        if (filters.departmentId() != null && !filters.departmentId().equals(deal.departmentId)) {
            return false;
        }
        if (scope.kind() != AnalyticsScope.Kind.OWN
                && filters.ownerId() != null
                && !filters.ownerId().equals(deal.ownerId)) {
            return false;
        }
        return switch (scope.kind()) {
            case TENANT -> true;
            case DEPARTMENTS ->
                scope.userId().equals(deal.ownerId)
                        || (deal.departmentId != null && scope.departments().contains(deal.departmentId));
            case OWN -> scope.userId().equals(deal.ownerId);
            case NONE -> false;
        };
    }

    private static final class DealState {
        String pipelineId;
        String stage;
        String stageKind;
        int position;
        int probability;
        Object amount;
        String currency;
        String ownerId;
        String departmentId;

        void apply(Document fact) {
            pipelineId = fact.getString("pipelineId");
            ownerId = fact.getString("ownerId");
            departmentId = fact.getString("departmentId");
            switch (fact.getString("kind")) {
                case "ENTERED", "MOVED" -> {
                    stage = fact.getString("stage");
                    stageKind = fact.getString("stageKind");
                    position = fact.getInteger("position", 0);
                    probability = fact.getInteger("probability", 0);
                    amount = fact.get("amount");
                    currency = fact.getString("currency");
                }
                case "AMOUNT" -> {
                    amount = fact.get("amount");
                    currency = fact.getString("currency");
                }
                default -> {}
            }
        }
    }

    private static final class Builder {
        final String pipelineId;
        final String stage;
        String stageKind;
        int position;
        long deals;
        final Map<String, BigDecimal> value = new HashMap<>();
        final Map<String, BigDecimal> weighted = new HashMap<>();

        Builder(String pipelineId, String stage) {
            this.pipelineId = pipelineId;
            this.stage = stage;
        }

        PipelineAsOfReport.Row build() {
            return new PipelineAsOfReport.Row(
                    pipelineId,
                    stage,
                    stageKind,
                    position,
                    deals,
                    Figures.normalized(value),
                    Figures.normalized(weighted));
        }
    }
}
