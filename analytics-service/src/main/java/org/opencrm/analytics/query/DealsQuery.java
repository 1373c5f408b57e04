package org.opencrm.analytics.query;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
     * The report from the rollups ({@link DealRollups}): the closed deals of the period's UTC days (one document
     * each, read by {@code _id}) and the open pipeline of the owners in scope, summed here. It reads the same
     * few hundred documents at most whatever the number of deals.
     */
    DealsReport fromRollups(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
        var rollups = mongo.getCollection(facts.rollups());
        Instant start = window.start();
        Instant end = window.end();
        List<String> days = new ArrayList<>();
        for (LocalDate day = LocalDate.ofInstant(start, ZoneOffset.UTC);
                day.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(end);
                day = day.plusDays(1)) {
            days.add(DealRollups.closedId(scope.tenantId(), day));
        }
        Document entriesOnly = new Document(DealRollups.ENTRIES, 1);
        Map<String, Builder> byPeriod = new TreeMap<>();
        for (Document rollup :
                rollups.find(new Document("_id", new Document("$in", days))).projection(entriesOnly)) {
            for (Object value : rollup.get(DealRollups.ENTRIES, new Document()).values()) {
                Document entry = (Document) value;
                Instant hour = entry.getDate(DealRollups.HOUR).toInstant();
                if (hour.isBefore(start) || !hour.isBefore(end) || !visible(scope, entry)) {
                    continue;
                }
                var row = byPeriod.computeIfAbsent(window.label(hour), Builder::new);
                Object currency = entry.get(DealRollups.CURRENCY);
                long won = Figures.count(entry.get(DealRollups.WON));
                long lost = Figures.count(entry.get(DealRollups.LOST));
                if (won > 0) {
                    row.won += won;
                    row.cycleSeconds += Figures.count(entry.get(DealRollups.CYCLE_SECONDS));
                    Figures.add(row.wonAmount, currency, Figures.decimal(entry.get(DealRollups.WON_AMOUNT)));
                }
                if (lost > 0) {
                    row.lost += lost;
                    Figures.add(row.lostAmount, currency, Figures.decimal(entry.get(DealRollups.LOST_AMOUNT)));
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
        for (Document rollup : rollups.find(open).projection(entriesOnly)) {
            for (Object v : rollup.get(DealRollups.ENTRIES, new Document()).values()) {
                Document entry = (Document) v;
                if (!visible(scope, entry)) {
                    continue;
                }
                Object currency = entry.get(DealRollups.CURRENCY);
                openDeals += Figures.count(entry.get(DealRollups.DEALS));
                Figures.add(value, currency, Figures.decimal(entry.get(DealRollups.VALUE)));
                // probabilities are percentages
                Figures.add(
                        weighted,
                        currency,
                        Figures.decimal(entry.get(DealRollups.WEIGHTED)).movePointLeft(2));
            }
        }
        return report(window, byPeriod, openDeals, value, weighted);
    }

    private static boolean visible(AnalyticsScope scope, Document entry) {
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
