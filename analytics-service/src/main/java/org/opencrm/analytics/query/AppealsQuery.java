package org.opencrm.analytics.query;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.util.Comparator;
import java.util.List;
import org.bson.Document;
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

    AppealsReport run(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
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
                .sorted(Comparator.comparing(AppealsReport.Row::period)
                        .thenComparing(Comparator.comparingLong(AppealsReport.Row::appeals)
                                .reversed())
                        .thenComparing(AppealsReport.Row::topic))
                .toList();
        return new AppealsReport(
                window.from().toString(),
                window.to().toString(),
                window.zone().getId(),
                window.granularityName(),
                rows);
    }
}
