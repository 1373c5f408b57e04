package org.opencrm.analytics.query;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.opencrm.analytics.projection.ProjectionCollections;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.stereotype.Component;

/**
 * The funnel from the deal history facts: stage entries (a deal's creation or a move into the stage) in the
 * period form each stage's cohort, joined with the deal's current facts to see how far it got; moves out of
 * a stage in the period give the time spent in it, as deals-service measured it.
 */
@Component
class FunnelQuery {

    private final MongoTemplate mongo;

    FunnelQuery(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    FunnelReport run(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
        Criteria inScope = scope.records("ownerId", "departmentId", "pipelineId");
        Criteria inPeriod = where("at").gte(window.startDate()).lt(window.endDate());
        Map<List<String>, Builder> rows = new LinkedHashMap<>();

        var entries = Figures.aggregate(
                mongo,
                facts.dealHistory(),
                List.of(
                        Figures.match(new Criteria()
                                .andOperator(inScope, inPeriod, where("kind").in("ENTERED", "MOVED"))),
                        new Document(
                                "$group",
                                new Document(
                                                "_id",
                                                new Document("pipelineId", "$pipelineId")
                                                        .append("stage", "$stage")
                                                        .append("dealKey", "$dealKey")
                                                        .append("period", window.bucket("at")))
                                        .append("position", new Document("$max", "$position"))
                                        .append("stageKind", new Document("$last", "$stageKind"))),
                        new Document(
                                "$project",
                                new Document("pipelineId", "$_id.pipelineId")
                                        .append("stage", "$_id.stage")
                                        .append("period", "$_id.period")
                                        .append("dealKey", "$_id.dealKey")
                                        .append("position", 1)
                                        .append("stageKind", 1)),
                        new Document(
                                "$lookup",
                                new Document("from", facts.deals())
                                        .append("localField", "dealKey")
                                        .append("foreignField", "_id")
                                        .append("as", "deal")),
                        new Document("$unwind", "$deal"),
                        new Document(
                                "$project",
                                new Document("pipelineId", 1)
                                        .append("stage", 1)
                                        .append("period", 1)
                                        .append("position", 1)
                                        .append("stageKind", 1)
                                        .append(
                                                "forward",
                                                flag(new Document(
                                                        "$in",
                                                        List.of(
                                                                "$stage",
                                                                new Document(
                                                                        "$ifNull",
                                                                        List.of("$deal.forwardFrom", List.of()))))))
                                        .append("won", flag(new Document("$eq", List.of("$deal.outcome", "WON"))))
                                        .append(
                                                "lost",
                                                flag(new Document(
                                                        "$and",
                                                        List.of(
                                                                new Document("$eq", List.of("$deal.outcome", "LOST")),
                                                                new Document(
                                                                        "$eq",
                                                                        List.of("$deal.lostFrom", "$stage"))))))),
                        new Document(
                                "$group",
                                new Document(
                                                "_id",
                                                new Document("pipelineId", "$pipelineId")
                                                        .append("stage", "$stage")
                                                        .append("period", "$period"))
                                        .append("position", new Document("$max", "$position"))
                                        .append("stageKind", new Document("$last", "$stageKind"))
                                        .append("entered", new Document("$sum", 1))
                                        .append("forward", new Document("$sum", "$forward"))
                                        .append("won", new Document("$sum", "$won"))
                                        .append("lost", new Document("$sum", "$lost")))));
        for (Document entry : entries) {
            Document id = entry.get("_id", Document.class);
            var row = rows.computeIfAbsent(key(id), k -> new Builder(id));
            row.position = Math.max(row.position, (int) Figures.count(entry.get("position")));
            row.stageKind = entry.getString("stageKind");
            row.entered = Figures.count(entry.get("entered"));
            row.forward = Figures.count(entry.get("forward"));
            row.won = Figures.count(entry.get("won"));
            row.lost = Figures.count(entry.get("lost"));
        }

        var exits = Figures.aggregate(
                mongo,
                facts.dealHistory(),
                List.of(
                        Figures.match(new Criteria()
                                .andOperator(inScope, inPeriod, where("kind").is("MOVED"))),
                        new Document(
                                "$group",
                                new Document(
                                                "_id",
                                                new Document("pipelineId", "$pipelineId")
                                                        .append("stage", "$fromStage")
                                                        .append("period", window.bucket("at")))
                                        .append("position", new Document("$max", "$fromPosition"))
                                        .append("stageKind", new Document("$last", "$fromStageKind"))
                                        .append("seconds", new Document("$push", "$secondsInPreviousStage")))));
        for (Document exit : exits) {
            Document id = exit.get("_id", Document.class);
            var row = rows.computeIfAbsent(key(id), k -> new Builder(id));
            row.position = Math.max(row.position, (int) Figures.count(exit.get("position")));
            if (row.stageKind == null) {
                row.stageKind = exit.getString("stageKind");
            }
            row.seconds = exit.getList("seconds", Number.class);
        }

        List<FunnelReport.Row> result = new ArrayList<>();
        rows.values().forEach(b -> result.add(b.build()));
        result.sort(Comparator.comparing(FunnelReport.Row::period)
                .thenComparing(FunnelReport.Row::pipelineId)
                .thenComparingInt(FunnelReport.Row::position)
                .thenComparing(FunnelReport.Row::stage));
        return new FunnelReport(
                window.from().toString(),
                window.to().toString(),
                window.zone().getId(),
                window.granularityName(),
                result);
    }

    private static Document flag(Document condition) {
        return new Document("$cond", List.of(condition, 1, 0));
    }

    private static List<String> key(Document id) {
        return List.of(id.getString("period"), id.getString("pipelineId"), id.getString("stage"));
    }

    private static final class Builder {
        final String period;
        final String pipelineId;
        final String stage;
        String stageKind;
        int position = Integer.MIN_VALUE;
        long entered;
        long forward;
        long won;
        long lost;
        List<Number> seconds = List.of();

        Builder(Document id) {
            this.period = id.getString("period");
            this.pipelineId = id.getString("pipelineId");
            this.stage = id.getString("stage");
        }

        FunnelReport.Row build() {
            return new FunnelReport.Row(
                    period,
                    pipelineId,
                    stage,
                    stageKind,
                    position,
                    entered,
                    forward,
                    lost,
                    won,
                    Figures.ratio(forward, entered),
                    Figures.ratio(won, entered),
                    seconds.size(),
                    Figures.average(seconds),
                    Figures.median(seconds));
        }
    }
}
