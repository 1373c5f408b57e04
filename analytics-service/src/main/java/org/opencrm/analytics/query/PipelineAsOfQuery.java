package org.opencrm.analytics.query;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.opencrm.analytics.projection.DealRollups;
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
        Instant until = date.plusDays(1).atStartOfDay(zone).toInstant();
        return until.getEpochSecond() % 3600 == 0
                ? fromRollups(facts, scope, date, zone)
                : fromFacts(facts, scope, date, zone);
    }

    /**
     * From the rollups ({@link DealRollups}): every deal's stage, amount and owner changes as deltas, summed up
     * to the end of the date: the UTC months before it (one document per pipeline each), the days of its month
     * before it and the hours of its last UTC day before it. A bounded number of documents whatever the number of
     * deals: the months of the tenant's history plus at most 32, per pipeline; a report for one pipeline reads only
     * that pipeline's (half of what bench B3's call read before they were kept per pipeline).
     */
    PipelineAsOfReport fromRollups(ProjectionCollections facts, AnalyticsScope scope, LocalDate date, ZoneId zone) {
        Instant until = date.plusDays(1).atStartOfDay(zone).toInstant();
        LocalDate lastDay = LocalDate.ofInstant(until, ZoneOffset.UTC);
        YearMonth month = YearMonth.from(lastDay);
        String tenant = scope.tenantId();
        String pipeline = scope.filters().pipelineId();
        var rollups = mongo.getCollection(facts.rollups());
        Map<String, Sum> sums = new HashMap<>();

        String monthPrefix = DealRollups.asOfMonthPrefix(tenant);
        Document monthsBefore = new Document("$gte", monthPrefix).append("$lt", monthPrefix + month);
        Document months;
        if (pipeline == null) {
            // ids sort by month, then pipeline: every pipeline's months before the date's
            months = new Document("_id", monthsBefore);
        } else {
            // the pipeline's months by id, from the tenant's first month (the range's first id) on
            Document first = rollups.find(new Document("_id", monthsBefore))
                    .sort(new Document("_id", 1))
                    .projection(new Document("_id", 1))
                    .limit(1)
                    .first();
            List<String> ids = new ArrayList<>();
            if (first != null) {
                String id = first.getString("_id");
                YearMonth from =
                        YearMonth.parse(id.substring(monthPrefix.length(), id.indexOf('|', monthPrefix.length())));
                for (YearMonth m = from; m.isBefore(month); m = m.plusMonths(1)) {
                    ids.add(DealRollups.asOfMonthId(tenant, m, pipeline));
                }
            }
            months = new Document("_id", new Document("$in", ids));
        }
        for (RollupDocument rollup : RollupReads.entries(rollups, months)) {
            addAll(rollup, scope, null, sums);
        }

        if (month.atDay(1).isBefore(lastDay)) {
            Document days;
            if (pipeline == null) {
                String dayPrefix = DealRollups.asOfDayPrefix(tenant);
                days = new Document(
                        "_id", new Document("$gte", dayPrefix + month.atDay(1)).append("$lt", dayPrefix + lastDay));
            } else {
                List<String> ids = new ArrayList<>();
                for (LocalDate day = month.atDay(1); day.isBefore(lastDay); day = day.plusDays(1)) {
                    ids.add(DealRollups.asOfDayId(tenant, day, pipeline));
                }
                days = new Document("_id", new Document("$in", ids));
            }
            for (RollupDocument rollup : RollupReads.entries(rollups, days)) {
                addAll(rollup, scope, null, sums);
            }
        }
        // a date ending at a UTC midnight takes no hour of its last UTC day: that day's ~10,000 entries at 1,000,000
        // deals (a third of what the report read in bench B3) are not read for nothing
        if (until.isAfter(lastDay.atStartOfDay(ZoneOffset.UTC).toInstant())) {
            String hourPrefix = DealRollups.asOfHourPrefix(tenant, lastDay);
            // the prefix ends in '|', and '}' sorts right after it: the range holds every pipeline's document
            Document hours = pipeline == null
                    ? new Document(
                            "_id",
                            new Document("$gte", hourPrefix)
                                    .append("$lt", hourPrefix.substring(0, hourPrefix.length() - 1) + "}"))
                    : new Document("_id", DealRollups.asOfHourId(tenant, lastDay, pipeline));
            for (RollupDocument rollup : RollupReads.entries(rollups, hours)) {
                addAll(rollup, scope, until, sums);
            }
        }

        Map<List<Object>, Builder> rows = new LinkedHashMap<>();
        for (var sum : sums.entrySet()) {
            if (sum.getValue().deals <= 0) {
                continue;
            }
            List<Object> dims = sum.getValue().dims;
            String pipelineId = (String) dims.get(DIMENSIONS.indexOf(DealRollups.PIPELINE));
            String stage = (String) dims.get(DIMENSIONS.indexOf(DealRollups.STAGE));
            Object currency = dims.get(DIMENSIONS.indexOf(DealRollups.CURRENCY));
            var row = rows.computeIfAbsent(List.of(pipelineId, stage), k -> new Builder(pipelineId, stage));
            row.stageKind = (String) dims.get(DIMENSIONS.indexOf(DealRollups.STAGE_KIND));
            row.position = dims.get(DIMENSIONS.indexOf(DealRollups.POSITION)) instanceof Number position
                    ? position.intValue()
                    : 0;
            row.deals += sum.getValue().deals;
            Figures.add(row.value, currency, sum.getValue().value);
            // a stage of probability 0 weighs its amounts at zero: the rollup keeps no zero figure
            BigDecimal weighted = sum.getValue().weighted != null
                    ? sum.getValue().weighted
                    : sum.getValue().value != null ? BigDecimal.ZERO : null;
            Figures.add(row.weighted, currency, weighted == null ? null : weighted.movePointLeft(2));
        }
        return report(date, zone, rows);
    }

    /**
     * The entries of a rollup the caller may see (and, for hourly ones, before {@code until}) into the sums, kept by
     * the entry's key: its dimensions one to one ({@code DealRollups}' key of a pipeline-as-of entry; an hourly
     * entry's after its hour). Scope and dimensions are decoded once per key, not per entry: ~11,500 entries of a few
     * thousand keys in bench B3's call.
     */
    private static void addAll(RollupDocument rollup, AnalyticsScope scope, Instant until, Map<String, Sum> sums) {
        for (RollupEntry entry : rollup.entries()) {
            String key = entry.key();
            if (until != null) {
                if (!entry.hour().isBefore(until)) {
                    continue;
                }
                key = key.substring(key.indexOf('|') + 1);
            }
            Sum sum = sums.get(key);
            if (sum == null) {
                sum = visible(
                                scope,
                                entry.getString(DealRollups.OWNER),
                                entry.getString(DealRollups.DEPARTMENT),
                                entry.getString(DealRollups.PIPELINE))
                        ? new Sum(dimensions(entry))
                        : Sum.HIDDEN;
                sums.put(key, sum);
            }
            if (sum == Sum.HIDDEN) {
                continue;
            }
            sum.deals += entry.count(DealRollups.DEALS);
            Object value = entry.get(DealRollups.VALUE);
            if (value != null) {
                BigDecimal amount = Figures.decimal(value);
                sum.value = sum.value == null ? amount : sum.value.add(amount);
            }
            Object weighted = entry.get(DealRollups.WEIGHTED);
            if (weighted != null) {
                BigDecimal amount = Figures.decimal(weighted);
                sum.weighted = sum.weighted == null ? amount : sum.weighted.add(amount);
            }
        }
    }

    private static List<Object> dimensions(RollupEntry entry) {
        Object[] dims = new Object[DIMENSIONS.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = entry.get(DIMENSIONS.get(i));
        }
        return java.util.Arrays.asList(dims);
    }

    /** What an entry's sum is kept apart by, in the order of a sum's key. */
    private static final List<String> DIMENSIONS = List.of(
            DealRollups.PIPELINE,
            DealRollups.STAGE,
            DealRollups.STAGE_KIND,
            DealRollups.POSITION,
            DealRollups.OWNER,
            DealRollups.DEPARTMENT,
            DealRollups.CURRENCY);

    private static final class Sum {
        /** The sum of the entries the caller may not see: not added to. */
        static final Sum HIDDEN = new Sum(List.of());

        final List<Object> dims;
        long deals;
        BigDecimal value;
        BigDecimal weighted;

        Sum(List<Object> dims) {
            this.dims = dims;
        }
    }

    /** By replaying the history facts: for zones whose days do not end on whole UTC hours. */
    PipelineAsOfReport fromFacts(ProjectionCollections facts, AnalyticsScope scope, LocalDate date, ZoneId zone) {
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
            if (deal.stage == null || !visible(scope, deal.ownerId, deal.departmentId, deal.pipelineId)) {
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
        return report(date, zone, rows);
    }

    private static PipelineAsOfReport report(LocalDate date, ZoneId zone, Map<List<Object>, Builder> rows) {
        List<PipelineAsOfReport.Row> result = new ArrayList<>();
        rows.values().forEach(b -> result.add(b.build()));
        result.sort(Comparator.comparing(PipelineAsOfReport.Row::pipelineId)
                .thenComparingInt(PipelineAsOfReport.Row::position)
                .thenComparing(PipelineAsOfReport.Row::stage));
        return new PipelineAsOfReport(date.toString(), zone.getId(), result);
    }

    /** The scope's rule on the deal's owner and department at the time. */
    private static boolean visible(AnalyticsScope scope, String ownerId, String departmentId, String pipelineId) {
        var filters = scope.filters();
        if (filters.pipelineId() != null && !filters.pipelineId().equals(pipelineId)) {
            return false;
        }
        if (filters.departmentId() != null && !filters.departmentId().equals(departmentId)) {
            return false;
        }
        if (scope.kind() != AnalyticsScope.Kind.OWN
                && filters.ownerId() != null
                && !filters.ownerId().equals(ownerId)) {
            return false;
        }
        return switch (scope.kind()) {
            case TENANT -> true;
            case DEPARTMENTS ->
                scope.userId().equals(ownerId)
                        || (departmentId != null && scope.departments().contains(departmentId));
            case OWN -> scope.userId().equals(ownerId);
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
