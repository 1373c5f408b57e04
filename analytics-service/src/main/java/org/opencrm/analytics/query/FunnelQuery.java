package org.opencrm.analytics.query;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.Document;
import org.opencrm.analytics.projection.DealRollups;
import org.opencrm.analytics.projection.FirstResponses;
import org.opencrm.analytics.projection.FunnelRollups;
import org.opencrm.analytics.projection.ProjectionCollections;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.stereotype.Component;

/**
 * The funnel: per stage, the deals whose first entry into it (created in it, or first moved into it) falls in
 * the period, with the owner and department of that entry, and how far they got since (from the deal's current
 * facts); and the moves out of the stage in the period with the time deals-service measured in it, the median
 * from durations kept to 3 significant digits ({@link FunnelRollups#bucket}), as the activity report's first responses.
 *
 * <p>Read from the rollups ({@link FunnelRollups}: the period's UTC days by {@code _id}), or for a zone whose days
 * do not start on whole UTC hours aggregated from the history facts by the same definitions.
 */
@Component
class FunnelQuery {

    private final MongoTemplate mongo;

    FunnelQuery(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    FunnelReport run(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
        if (window.daysStartOnWholeHours()) {
            return fromRollups(facts, scope, window);
        }
        return fromFacts(facts, scope, window);
    }

    /**
     * The report from the funnel rollups: one document per UTC day and pipeline of the period, whatever the deal
     * count.
     */
    FunnelReport fromRollups(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
        Instant start = window.start();
        Instant end = window.end();
        LocalDate firstDay = LocalDate.ofInstant(start, ZoneOffset.UTC);
        LocalDate afterLastDay =
                LocalDate.ofInstant(end.minusNanos(1), ZoneOffset.UTC).plusDays(1);
        Document ids;
        String pipeline = scope.filters().pipelineId();
        if (pipeline != null) {
            List<String> days = new ArrayList<>();
            for (LocalDate day = firstDay; day.isBefore(afterLastDay); day = day.plusDays(1)) {
                days.add(FunnelRollups.funnelId(scope.tenantId(), day, pipeline));
            }
            ids = new Document("$in", days);
        } else {
            String prefix = FunnelRollups.funnelPrefix(scope.tenantId());
            ids = new Document("$gte", prefix + firstDay).append("$lt", prefix + afterLastDay);
        }
        Map<List<String>, Builder> rows = new LinkedHashMap<>();
        // the hours of a period share a few labels: computed once per hour, not per entry
        Map<Instant, String> labels = new HashMap<>();
        for (Document rollup : mongo.getCollection(facts.rollups())
                .find(new Document("_id", ids))
                .projection(new Document(DealRollups.ENTRIES, 1))) {
            for (var keyed : rollup.get(DealRollups.ENTRIES, new Document()).entrySet()) {
                var key = FunnelRollups.Key.parse(keyed.getKey());
                Document entry = (Document) keyed.getValue();
                Instant hour = key.hour();
                if (hour.isBefore(start)
                        || !hour.isBefore(end)
                        || !scope.canSeeRecord(key.ownerId(), key.departmentId(), key.pipelineId())) {
                    continue;
                }
                var row = row(rows, labels.computeIfAbsent(hour, window::label), key.pipelineId(), key.stage());
                int position = key.position();
                String stageKind = key.stageKind();
                long entered = Figures.count(entry.get(FunnelRollups.ENTERED));
                if (entered > 0) {
                    row.addCohort(
                            position,
                            stageKind,
                            entered,
                            Figures.count(entry.get(FunnelRollups.FORWARD)),
                            Figures.count(entry.get(DealRollups.WON)),
                            Figures.count(entry.get(DealRollups.LOST)));
                }
                long exits = Figures.count(entry.get(FunnelRollups.EXITS));
                if (exits > 0) {
                    row.addExits(position, stageKind, exits, Figures.count(entry.get(FunnelRollups.SECONDS)));
                    entry.forEach((name, count) -> {
                        if (name.startsWith(FunnelRollups.BUCKET) && !name.startsWith(FunnelRollups.BUCKET_SUM)) {
                            String bucket = name.substring(FunnelRollups.BUCKET.length());
                            long sum = Figures.count(entry.get(FunnelRollups.BUCKET_SUM + bucket));
                            row.duration(Long.parseLong(bucket), Figures.count(count), sum);
                        }
                    });
                }
            }
        }
        return report(window, rows);
    }

    /**
     * The report by aggregating the deal history facts, by the same definitions: for zones whose days do not
     * start on whole UTC hours, and as the rollups' reference in tests. A deal's first entry into a stage is
     * found among all its entries before the period's end (earliest first, the lower event version at the same
     * time), then kept if it falls in the period and in scope.
     */
    FunnelReport fromFacts(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
        Map<List<String>, Builder> rows = new LinkedHashMap<>();
        var cohorts = Figures.aggregate(
                mongo,
                facts.dealHistory(),
                List.of(
                        Figures.match(where("tenantId")
                                .is(scope.tenantId())
                                .and("kind")
                                .in("ENTERED", "MOVED")
                                .and("stage")
                                .ne(null)
                                .and("at")
                                .lt(window.endDate())),
                        new Document("$sort", new Document("at", 1).append("version", 1)),
                        new Document(
                                "$group",
                                new Document(
                                                "_id",
                                                new Document("dealKey", "$dealKey")
                                                        .append("pipelineId", "$pipelineId")
                                                        .append("stage", "$stage"))
                                        .append("tenantId", new Document("$first", "$tenantId"))
                                        .append("at", new Document("$first", "$at"))
                                        .append("ownerId", new Document("$first", "$ownerId"))
                                        .append("departmentId", new Document("$first", "$departmentId"))
                                        .append("position", new Document("$first", "$position"))
                                        .append("stageKind", new Document("$first", "$stageKind"))),
                        new Document(
                                "$project",
                                new Document("dealKey", "$_id.dealKey")
                                        .append("pipelineId", "$_id.pipelineId")
                                        .append("stage", "$_id.stage")
                                        .append("tenantId", 1)
                                        .append("at", 1)
                                        .append("ownerId", 1)
                                        .append("departmentId", 1)
                                        .append("position", 1)
                                        .append("stageKind", 1)),
                        Figures.match(new Criteria()
                                .andOperator(
                                        scope.records("ownerId", "departmentId", "pipelineId"),
                                        where("at").gte(window.startDate()))),
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
                                        .append("period", window.bucket("at"))
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
                                                        .append("period", "$period")
                                                        .append("position", "$position")
                                                        .append("stageKind", "$stageKind"))
                                        .append("entered", new Document("$sum", 1))
                                        .append("forward", new Document("$sum", "$forward"))
                                        .append("won", new Document("$sum", "$won"))
                                        .append("lost", new Document("$sum", "$lost")))));
        for (Document cohort : cohorts) {
            Document id = cohort.get("_id", Document.class);
            row(rows, id.getString("period"), id.getString("pipelineId"), id.getString("stage"))
                    .addCohort(
                            (int) Figures.count(id.get("position")),
                            id.getString("stageKind"),
                            Figures.count(cohort.get("entered")),
                            Figures.count(cohort.get("forward")),
                            Figures.count(cohort.get("won")),
                            Figures.count(cohort.get("lost")));
        }

        var exits = Figures.aggregate(
                mongo,
                facts.dealHistory(),
                List.of(
                        Figures.match(new Criteria()
                                .andOperator(
                                        scope.records("ownerId", "departmentId", "pipelineId"),
                                        where("at").gte(window.startDate()).lt(window.endDate()),
                                        where("kind").is("MOVED"),
                                        where("fromStage").ne(null))),
                        new Document(
                                "$group",
                                new Document(
                                                "_id",
                                                new Document("pipelineId", "$pipelineId")
                                                        .append("stage", "$fromStage")
                                                        .append("period", window.bucket("at"))
                                                        .append("position", "$fromPosition")
                                                        .append("stageKind", "$fromStageKind")
                                                        .append("seconds", "$secondsInPreviousStage"))
                                        .append("exits", new Document("$sum", 1)))));
        for (Document group : exits) {
            Document id = group.get("_id", Document.class);
            long count = Figures.count(group.get("exits"));
            long seconds = Figures.count(id.get("seconds"));
            var row = row(rows, id.getString("period"), id.getString("pipelineId"), id.getString("stage"));
            row.addExits((int) Figures.count(id.get("position")), id.getString("stageKind"), count, seconds * count);
            long bucket = FunnelRollups.bucket(seconds);
            row.duration(bucket, count, bucket < FirstResponses.EXACT_BELOW ? 0 : seconds * count);
        }
        return report(window, rows);
    }

    private static FunnelReport report(QueryWindow window, Map<List<String>, Builder> rows) {
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

    private static Builder row(Map<List<String>, Builder> rows, String period, String pipelineId, String stage) {
        return rows.computeIfAbsent(
                java.util.Arrays.asList(period, pipelineId, stage), k -> new Builder(period, pipelineId, stage));
    }

    private static Document flag(Document condition) {
        return new Document("$cond", List.of(condition, 1, 0));
    }

    private static final class Builder {
        final String period;
        final String pipelineId;
        final String stage;
        /** The stage's kind as its entries name it (the greatest if they differ), else as its exits name it. */
        String enteredKind;

        String exitKind;
        int position = Integer.MIN_VALUE;
        long entered;
        long forward;
        long won;
        long lost;
        long exits;
        long seconds;
        /** Moves out by duration bucket ({@link FunnelRollups#bucket}): count and, above the exact range, seconds. */
        final TreeMap<Long, long[]> durations = new TreeMap<>();

        Builder(String period, String pipelineId, String stage) {
            this.period = period;
            this.pipelineId = pipelineId;
            this.stage = stage;
        }

        void addCohort(int position, String kind, long entered, long forward, long won, long lost) {
            this.position = Math.max(this.position, position);
            enteredKind = greater(enteredKind, kind);
            this.entered += entered;
            this.forward += forward;
            this.won += won;
            this.lost += lost;
        }

        void addExits(int position, String kind, long exits, long seconds) {
            this.position = Math.max(this.position, position);
            exitKind = greater(exitKind, kind);
            this.exits += exits;
            this.seconds += seconds;
        }

        void duration(long bucket, long count, long seconds) {
            long[] figures = durations.computeIfAbsent(bucket, b -> new long[2]);
            figures[0] += count;
            figures[1] += seconds;
        }

        private static String greater(String a, String b) {
            return a == null ? b : b == null || a.compareTo(b) >= 0 ? a : b;
        }

        FunnelReport.Row build() {
            return new FunnelReport.Row(
                    period,
                    pipelineId,
                    stage,
                    entered > 0 ? enteredKind : exitKind,
                    position,
                    entered,
                    forward,
                    lost,
                    won,
                    Figures.ratio(forward, entered),
                    Figures.ratio(won, entered),
                    exits,
                    exits == 0 ? null : (double) seconds / exits,
                    DurationMedian.of(durations));
        }
    }
}
