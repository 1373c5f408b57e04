package org.opencrm.analytics.query;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.opencrm.analytics.projection.DealRollups;
import org.opencrm.analytics.projection.ProjectionCollections;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.stereotype.Component;

/** Appeal counts by topic from the APPEAL interactions; scoped by the rep who logged them. */
@Component
class AppealsQuery {

    private final MongoTemplate mongo;

    AppealsQuery(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    private static final Comparator<AppealsReport.Row> ORDER = Comparator.comparing(AppealsReport.Row::period)
            .thenComparing(Comparator.comparingLong(AppealsReport.Row::appeals).reversed())
            .thenComparing(AppealsReport.Row::topic);

    AppealsReport run(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
        return window.daysStartOnWholeHours() ? fromRollups(facts, scope, window) : fromFacts(facts, scope, window);
    }

    /**
     * From the rollups ({@link DealRollups}): the period's UTC days, one document each read by {@code _id}, their
     * hourly counts per rep, department and topic filtered by scope and grouped into the caller's periods.
     */
    AppealsReport fromRollups(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
        TeamRoster roster = TeamRoster.load(mongo, facts, scope.tenantId());
        Instant start = window.start();
        Instant end = window.end();
        List<String> days = new ArrayList<>();
        for (LocalDate day = LocalDate.ofInstant(start, ZoneOffset.UTC);
                day.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(end);
                day = day.plusDays(1)) {
            days.add(DealRollups.appealsId(scope.tenantId(), day));
        }
        var labels = window.labels();
        Map<List<String>, Long> counts = new HashMap<>();
        for (RollupDocument rollup : RollupReads.entries(
                mongo.getCollection(facts.rollups()), new Document("_id", new Document("$in", days)))) {
            for (RollupEntry entry : rollup.entries()) {
                Instant hour = entry.hour();
                if (hour.isBefore(start)
                        || !hour.isBefore(end)
                        || !scope.canSeeRep(
                                entry.getString(DealRollups.OWNER), entry.getString(DealRollups.DEPARTMENT), roster)) {
                    continue;
                }
                String topic = entry.getString(DealRollups.TOPIC);
                counts.merge(
                        List.of(labels.of(hour), topic == null ? AppealsReport.NO_TOPIC : topic),
                        entry.count(DealRollups.APPEALS),
                        Long::sum);
            }
        }
        var rows = counts.entrySet().stream()
                .filter(count -> count.getValue() > 0)
                .map(count -> new AppealsReport.Row(
                        count.getKey().get(0), count.getKey().get(1), count.getValue()))
                .sorted(ORDER)
                .toList();
        return new AppealsReport(
                window.from().toString(),
                window.to().toString(),
                window.zone().getId(),
                window.granularityName(),
                rows);
    }

    /** By aggregating the interaction facts: for zones whose days do not start on whole UTC hours. */
    AppealsReport fromFacts(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
        TeamRoster roster = TeamRoster.load(mongo, facts, scope.tenantId());
        var rows = Figures.aggregate(
                        mongo,
                        facts.interactions(),
                        List.of(
                                Figures.match(new Criteria()
                                        .andOperator(
                                                scope.reps("userId", "departmentId", roster),
                                                where("type").is("APPEAL"),
                                                where("at")
                                                        .gte(window.startDate())
                                                        .lt(window.endDate()))),
                                new Document(
                                        "$group",
                                        new Document(
                                                        "_id",
                                                        new Document("period", window.bucket("at"))
                                                                .append(
                                                                        "topic",
                                                                        new Document(
                                                                                "$ifNull",
                                                                                List.of(
                                                                                        "$appealTopic",
                                                                                        AppealsReport.NO_TOPIC))))
                                                .append("appeals", new Document("$sum", 1)))))
                .stream()
                .map(group -> {
                    Document id = group.get("_id", Document.class);
                    return new AppealsReport.Row(
                            id.getString("period"), id.getString("topic"), Figures.count(group.get("appeals")));
                })
                .sorted(ORDER)
                .toList();
        return new AppealsReport(
                window.from().toString(),
                window.to().toString(),
                window.zone().getId(),
                window.granularityName(),
                rows);
    }
}
