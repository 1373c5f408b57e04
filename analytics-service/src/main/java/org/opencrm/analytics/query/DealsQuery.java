package org.opencrm.analytics.query;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.Document;
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
