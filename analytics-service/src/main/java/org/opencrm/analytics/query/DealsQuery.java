package org.opencrm.analytics.query;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import com.mongodb.client.MongoCollection;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.bson.Document;
import org.opencrm.analytics.projection.DealRollups;
import org.opencrm.analytics.projection.ProjectionCollections;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.stereotype.Component;

/** Won and lost deals, win rate, sales cycle, open pipeline value and weighted forecast from the deal facts. */
@Component
class DealsQuery {

    private static final BigDecimal SECONDS_PER_DAY = BigDecimal.valueOf(86_400);

    /**
     * Closed-deal documents per reply batch: more than {@link RollupReads#DOCUMENTS_PER_BATCH}, as these are one
     * department's day (a few hundred entries per hour document at most at 1,000,000 deals, tens per day or month
     * document), so that a quarter's ~90 documents take a few round trips while a batch stays a few MB in memory.
     */
    private static final int CLOSED_PER_BATCH = 16;

    private final MongoTemplate mongo;

    DealsQuery(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    DealsReport run(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
        if (window.daysStartOnWholeHours()) {
            return fromRollups(facts, scope, window);
        }
        return fromFacts(facts, scope, window);
    }

    /**
     * The report from the rollups ({@link DealRollups}): the closed deals of the period from the documents {@link
     * #documents} names (read by {@code _id}) and the open pipeline of the owners in scope, summed here. What it
     * reads does not grow with the deals beyond the entries' bound: a UTC day wholly inside one row is one
     * day document per department (owners x pipelines x currencies), a whole UTC month's inner days one month
     * document per department, and only the days a row boundary cuts (and the period's edges) are read per hour.
     */
    DealsReport fromRollups(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
        var rollups = mongo.getCollection(facts.rollups());
        var labels = window.labels();
        Map<String, Builder> byPeriod = new TreeMap<>();
        Map<String, String> documents = documents(facts, scope, window);
        if (!documents.isEmpty()) {
            for (RollupDocument rollup : RollupReads.entries(
                    rollups,
                    new Document("_id", new Document("$in", new ArrayList<>(documents.keySet()))),
                    CLOSED_PER_BATCH)) {
                // a day or month lying in one row has its label; a day read per hour has none
                String whole = documents.get(rollup.id());
                for (RollupEntry entry : rollup.entries()) {
                    String label = labels.of(whole, entry);
                    if (label == null) {
                        continue;
                    }
                    if (!visible(scope, entry)) {
                        continue;
                    }
                    var row = byPeriod.computeIfAbsent(label, Builder::new);
                    Object currency = entry.get(DealRollups.CURRENCY);
                    long won = entry.count(DealRollups.WON);
                    long lost = entry.count(DealRollups.LOST);
                    if (won > 0) {
                        row.won += won;
                        row.cycleSeconds += entry.count(DealRollups.CYCLE_SECONDS);
                        Figures.add(row.wonAmount, currency, entry.decimal(DealRollups.WON_AMOUNT));
                    }
                    if (lost > 0) {
                        row.lost += lost;
                        Figures.add(row.lostAmount, currency, entry.decimal(DealRollups.LOST_AMOUNT));
                    }
                }
            }
        }

        // a caller who sees only their own deals, or asks for one owner's, reads that owner's document alone
        String owner = scope.effectiveOwner();
        Document open = owner != null
                ? new Document("_id", DealRollups.openId(scope.tenantId(), owner))
                : new Document(
                        "_id",
                        new Document("$gte", DealRollups.openPrefix(scope.tenantId()))
                                .append("$lt", DealRollups.openPrefix(scope.tenantId()) + Character.MAX_VALUE));
        long openDeals = 0;
        Map<String, BigDecimal> value = new HashMap<>();
        Map<String, BigDecimal> weighted = new HashMap<>();
        // one document per owner, a few entries each (stages x pipelines x currencies): the driver's batches stay small
        for (RollupDocument rollup : RollupReads.entries(rollups, open, RollupReads.DRIVER_BATCHES)) {
            for (RollupEntry entry : rollup.entries()) {
                if (!visible(scope, entry)) {
                    continue;
                }
                Object currency = entry.get(DealRollups.CURRENCY);
                openDeals += entry.count(DealRollups.DEALS);
                Figures.add(value, currency, entry.decimal(DealRollups.VALUE));
                // probabilities are percentages
                Figures.add(
                        weighted, currency, entry.decimal(DealRollups.WEIGHTED).movePointLeft(2));
            }
        }
        return report(window, byPeriod, openDeals, value, weighted);
    }

    /**
     * The closed-deal documents a report reads, each with the label of the row it lies in, or null for a day read
     * per hour ({@link RollupPlan}). A caller asking for one department reads that department's documents alone (every
     * scope sees only that department's entries then); any other caller reads every department's, those that the
     * months' {@link DealRollups#closedDepartmentsId} documents name, and keeps the entries in scope: a head's or
     * analyst's own deals may lie in other departments, a manager's in any.
     */
    Map<String, String> documents(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
        Map<String, String> documents = new LinkedHashMap<>();
        if (scope.kind() == AnalyticsScope.Kind.NONE) {
            return documents;
        }
        MongoCollection<Document> rollups = mongo.getCollection(facts.rollups());
        String tenant = scope.tenantId();
        RollupPlan plan = RollupPlan.of(window);
        Map<YearMonth, List<String>> departments = new HashMap<>();
        String department = scope.filters().departmentId();
        if (department == null) {
            Map<String, YearMonth> lists = new HashMap<>();
            plan.months().keySet().forEach(month -> lists.put(DealRollups.closedDepartmentsId(tenant, month), month));
            plan.days()
                    .keySet()
                    .forEach(day -> lists.put(
                            DealRollups.closedDepartmentsId(tenant, YearMonth.from(day)), YearMonth.from(day)));
            plan.hours()
                    .forEach(day -> lists.put(
                            DealRollups.closedDepartmentsId(tenant, YearMonth.from(day)), YearMonth.from(day)));
            for (RollupDocument list : RollupReads.entries(
                    rollups,
                    new Document("_id", new Document("$in", new ArrayList<>(lists.keySet()))),
                    RollupReads.DRIVER_BATCHES)) {
                var named = departments.computeIfAbsent(lists.get(list.id()), month -> new ArrayList<>());
                for (RollupEntry entry : list.entries()) {
                    named.add(entry.getString(DealRollups.DEPARTMENT));
                }
            }
        }
        Function<YearMonth, List<String>> of =
                month -> department != null ? List.of(department) : departments.getOrDefault(month, List.of());
        plan.months()
                .forEach((month, label) -> of.apply(month)
                        .forEach(d -> documents.put(DealRollups.closedMonthId(tenant, month, d), label)));
        plan.days()
                .forEach((day, label) -> of.apply(YearMonth.from(day))
                        .forEach(d -> documents.put(DealRollups.closedDayId(tenant, day, d), label)));
        plan.hours()
                .forEach(day -> of.apply(YearMonth.from(day))
                        .forEach(d -> documents.put(DealRollups.closedHourId(tenant, day, d), null)));
        return documents;
    }

    private static boolean visible(AnalyticsScope scope, RollupEntry entry) {
        return scope.canSeeRecord(
                entry.getString(DealRollups.OWNER),
                entry.getString(DealRollups.DEPARTMENT),
                entry.getString(DealRollups.PIPELINE));
    }

    /** The report by aggregating the deal facts: for zones whose days do not start on whole UTC hours. */
    DealsReport fromFacts(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
        Criteria inScope = scope.records("ownerId", "departmentId", "pipelineId");
        var closed = Figures.aggregate(
                mongo,
                facts.deals(),
                List.of(
                        Figures.match(new Criteria()
                                .andOperator(
                                        inScope,
                                        where("outcome").in("WON", "LOST"),
                                        where("closedAt")
                                                .gte(window.startDate())
                                                .lt(window.endDate()))),
                        new Document(
                                "$group",
                                new Document(
                                                "_id",
                                                new Document("period", window.bucket("closedAt"))
                                                        .append("outcome", "$outcome")
                                                        .append("currency", "$closedCurrency"))
                                        .append("deals", new Document("$sum", 1))
                                        .append("amount", new Document("$sum", "$closedAmount"))
                                        .append("cycleSeconds", new Document("$sum", "$cycleSeconds")))));
        Map<String, Builder> byPeriod = new TreeMap<>();
        for (Document group : closed) {
            Document id = group.get("_id", Document.class);
            var row = byPeriod.computeIfAbsent(id.getString("period"), Builder::new);
            long deals = Figures.count(group.get("deals"));
            if ("WON".equals(id.getString("outcome"))) {
                row.won += deals;
                row.cycleSeconds += Figures.count(group.get("cycleSeconds"));
                Figures.add(row.wonAmount, id.get("currency"), group.get("amount"));
            } else {
                row.lost += deals;
                Figures.add(row.lostAmount, id.get("currency"), group.get("amount"));
            }
        }

        var open = Figures.aggregate(
                mongo,
                facts.deals(),
                List.of(
                        Figures.match(new Criteria()
                                .andOperator(
                                        inScope,
                                        where("stageKind").is("OPEN"),
                                        where("outcome").is(null))),
                        new Document(
                                "$group",
                                new Document("_id", "$currency")
                                        .append("deals", new Document("$sum", 1))
                                        .append("value", new Document("$sum", "$amount"))
                                        .append(
                                                "weighted",
                                                new Document(
                                                        "$sum",
                                                        new Document(
                                                                "$multiply",
                                                                List.of("$amount", "$stageProbability")))))));
        long openDeals = 0;
        Map<String, BigDecimal> value = new HashMap<>();
        Map<String, BigDecimal> weighted = new HashMap<>();
        for (Document group : open) {
            openDeals += Figures.count(group.get("deals"));
            Figures.add(value, group.get("_id"), group.get("value"));
            // probabilities are percentages
            Figures.add(
                    weighted,
                    group.get("_id"),
                    group.get("_id") == null
                            ? null
                            : Figures.decimal(group.get("weighted")).movePointLeft(2));
        }

        return report(window, byPeriod, openDeals, value, weighted);
    }

    private static DealsReport report(
            QueryWindow window,
            Map<String, Builder> byPeriod,
            long openDeals,
            Map<String, BigDecimal> value,
            Map<String, BigDecimal> weighted) {
        List<DealsReport.Row> rows = new ArrayList<>();
        byPeriod.values().forEach(b -> rows.add(b.build()));
        return new DealsReport(
                window.from().toString(),
                window.to().toString(),
                window.zone().getId(),
                window.granularityName(),
                rows,
                new DealsReport.Open(openDeals, Figures.normalized(value), Figures.normalized(weighted)));
    }

    private static final class Builder {
        final String period;
        long won;
        long lost;
        long cycleSeconds;
        final Map<String, BigDecimal> wonAmount = new HashMap<>();
        final Map<String, BigDecimal> lostAmount = new HashMap<>();

        Builder(String period) {
            this.period = period;
        }

        DealsReport.Row build() {
            return new DealsReport.Row(
                    period,
                    won,
                    lost,
                    Figures.ratio(won, won + lost),
                    Figures.normalized(wonAmount),
                    Figures.normalized(lostAmount),
                    won == 0
                            ? null
                            : BigDecimal.valueOf(cycleSeconds)
                                    .divide(
                                            SECONDS_PER_DAY.multiply(BigDecimal.valueOf(won)),
                                            2,
                                            RoundingMode.HALF_UP));
        }
    }
}
