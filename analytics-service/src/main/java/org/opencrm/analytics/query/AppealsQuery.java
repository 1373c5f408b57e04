package org.opencrm.analytics.query;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
     * From the rollups ({@link DealRollups}), the documents of {@link #plan} read by {@code _id}: whole months' and
     * weeks' inner days summed per rep, department and topic, the other days per hour; filtered by scope and
     * grouped into the caller's periods.
     */
    AppealsReport fromRollups(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
        TeamRoster roster = TeamRoster.load(mongo, facts, scope.tenantId());
        Plan plan = plan(window);
        // the documents read whole, with their row
        Map<String, String> wholes = new HashMap<>();
        plan.months().forEach((month, label) -> wholes.put(DealRollups.appealsMonthId(scope.tenantId(), month), label));
        plan.weeks().forEach((monday, label) -> wholes.put(DealRollups.appealsWeekId(scope.tenantId(), monday), label));
        List<String> ids = new ArrayList<>(wholes.keySet());
        plan.days().forEach(day -> ids.add(DealRollups.appealsId(scope.tenantId(), day)));
        var labels = window.labels();
        Map<List<String>, Long> counts = new HashMap<>();
        for (RollupDocument rollup : RollupReads.entries(
                mongo.getCollection(facts.rollups()), new Document("_id", new Document("$in", ids)))) {
            String whole = wholes.get(rollup.id());
            for (RollupEntry entry : rollup.entries()) {
                String label = labels.of(whole, entry);
                if (label == null) {
                    continue;
                }
                if (!scope.canSeeRep(
                        entry.getString(DealRollups.OWNER), entry.getString(DealRollups.DEPARTMENT), roster)) {
                    continue;
                }
                String topic = entry.getString(DealRollups.TOPIC);
                counts.merge(
                        List.of(label, topic == null ? AppealsReport.NO_TOPIC : topic),
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

    /** The documents a period reads: whole months' and weeks' inner days (with their row label), other days. */
    record Plan(Map<YearMonth, String> months, Map<LocalDate, String> weeks, List<LocalDate> days) {}

    /**
     * The months {@link RollupPlan} reads whole (their inner days inside the period and one row), then of the
     * days left the ISO weeks whose inner days ({@link DealRollups#isInnerDayOfWeek}, Tuesday to Saturday) all lie in
     * the period and one row, by their Monday; every other day per hour. A quarter by week reads 13 week and 26 day
     * documents instead of 91 day documents, a quarter by month 3 month and 6 day documents.
     */
    static Plan plan(QueryWindow window) {
        var byMonth = RollupPlan.of(window);
        Set<LocalDate> days = new LinkedHashSet<>(byMonth.daysOutsideMonths());
        Map<LocalDate, String> weeks = new LinkedHashMap<>();
        for (LocalDate tuesday : byMonth.daysOutsideMonths()) {
            if (tuesday.getDayOfWeek() != DayOfWeek.TUESDAY) {
                continue;
            }
            List<LocalDate> inner = tuesday.datesUntil(tuesday.plusDays(5)).toList();
            Instant innerStart = tuesday.atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant innerEnd = tuesday.plusDays(5).atStartOfDay(ZoneOffset.UTC).toInstant();
            if (days.containsAll(inner)
                    && !innerStart.isBefore(window.start())
                    && !innerEnd.isAfter(window.end())
                    && window.label(innerStart).equals(window.label(innerEnd.minus(1, ChronoUnit.HOURS)))) {
                weeks.put(tuesday.minusDays(1), window.label(innerStart));
                inner.forEach(days::remove);
            }
        }
        return new Plan(byMonth.months(), weeks, new ArrayList<>(days));
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
