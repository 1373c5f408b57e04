package org.opencrm.analytics.query;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.math.BigDecimal;
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
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * Lead-source effectiveness. Leads are counted from the lead facts by the time they arrived; deals, wins and
 * revenue from the deals opened in the period, by their source.
 *
 * <p>Leads have a department but no owner. Callers who see only their own figures, and queries filtered by
 * owner or pipeline, count only the leads that became such deals.
 */
@Component
class SourcesQuery {

    private final MongoTemplate mongo;

    SourcesQuery(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    SourcesReport run(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
        return window.daysStartOnWholeHours() ? fromRollups(facts, scope, window) : fromFacts(facts, scope, window);
    }

    /**
     * From the rollups ({@link DealRollups}): the deals opened in the period and, for a caller who sees a whole
     * tenant or whole departments without an owner or pipeline filter, the leads received in it, read by
     * {@code _id} ({@link RollupPlan}: a whole UTC month's inner days from one monthly document, a UTC day wholly
     * inside one row from its document without hours where there is one, the other days per hour). A caller who sees the
     * whole tenant and filters by no owner reads the deals' sums without owners. A caller limited to their own
     * figures, or a filter by owner or pipeline, counts only the leads that became such deals: that is a join of
     * leads with the deals that name them (two deals may name one lead, counted once), which no per-lead sum holds,
     * so those leads are counted from the facts.
     */
    SourcesReport fromRollups(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
        Map<List<String>, Builder> rows = rows();
        var rollups = mongo.getCollection(facts.rollups());
        var labels = window.labels();
        RollupPlan plan = RollupPlan.of(window);
        String tenant = scope.tenantId();
        // the sums without owners answer only a caller whose visibility and filters name no owner
        boolean byDepartment =
                scope.kind() == AnalyticsScope.Kind.TENANT && scope.filters().ownerId() == null;
        Map<String, String> created = byDepartment
                ? plan.documents(
                        month -> DealRollups.createdByDepartmentMonthId(tenant, month),
                        day -> DealRollups.createdByDepartmentDayId(tenant, day),
                        day -> DealRollups.createdId(tenant, day))
                : plan.documents(
                        month -> DealRollups.createdMonthId(tenant, month),
                        null,
                        day -> DealRollups.createdId(tenant, day));
        // by an entry's key (after an hourly entry's hour): its dimensions one to one (DealRollups' keys of created
        // entries, with and without owner, differ in their number of parts), so scope, source and currency are
        // decoded once per key, not per entry
        Map<String, CreatedKey> keys = new HashMap<>();
        for (RollupDocument rollup : RollupReads.entries(
                rollups, new Document("_id", new Document("$in", new ArrayList<>(created.keySet()))))) {
            String documentRow = created.get(rollup.id());
            for (RollupEntry entry : rollup.entries()) {
                String label = labels.of(documentRow, entry);
                if (label == null) {
                    continue;
                }
                String key = entry.key();
                if (documentRow == null) {
                    key = key.substring(key.indexOf('|') + 1);
                }
                CreatedKey dims = keys.get(key);
                if (dims == null) {
                    dims = new CreatedKey(
                            scope.canSeeRecord(
                                    entry.getString(DealRollups.OWNER),
                                    entry.getString(DealRollups.DEPARTMENT),
                                    entry.getString(DealRollups.PIPELINE)),
                            entry.getString(DealRollups.SOURCE),
                            entry.get(DealRollups.CURRENCY));
                    keys.put(key, dims);
                }
                if (!dims.visible) {
                    continue;
                }
                var row = dims.row(rows, label);
                row.deals += entry.count(DealRollups.DEALS);
                long won = entry.count(DealRollups.WON);
                if (won > 0) {
                    row.won += won;
                    Figures.add(row.revenue, dims.currency, entry.get(DealRollups.WON_AMOUNT));
                }
            }
        }

        boolean wholeScope =
                (scope.kind() == AnalyticsScope.Kind.TENANT || scope.kind() == AnalyticsScope.Kind.DEPARTMENTS)
                        && scope.effectiveOwner() == null
                        && scope.filters().pipelineId() == null;
        if (!wholeScope) {
            leadsFromFacts(facts, scope, window, rows);
        } else {
            String department = scope.filters().departmentId();
            Map<String, String> leads = plan.documents(
                    month -> DealRollups.leadsMonthId(tenant, month),
                    day -> DealRollups.leadsDayId(tenant, day),
                    day -> DealRollups.leadsId(tenant, day));
            for (RollupDocument rollup : RollupReads.entries(
                    rollups, new Document("_id", new Document("$in", new ArrayList<>(leads.keySet()))))) {
                String documentRow = leads.get(rollup.id());
                for (RollupEntry entry : rollup.entries()) {
                    String label = labels.of(documentRow, entry);
                    String leadDepartment = entry.getString(DealRollups.DEPARTMENT);
                    if (label == null
                            || (department != null && !department.equals(leadDepartment))
                            || (scope.kind() == AnalyticsScope.Kind.DEPARTMENTS
                                    && (leadDepartment == null
                                            || !scope.departments().contains(leadDepartment)))) {
                        continue;
                    }
                    row(rows, label, entry.getString(DealRollups.SOURCE)).leads += entry.count(DealRollups.LEADS);
                }
            }
        }
        return report(window, rows);
    }

    /** By aggregating the lead and deal facts: for zones whose days do not start on whole UTC hours. */
    SourcesReport fromFacts(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
        Map<List<String>, Builder> rows = rows();
        leadsFromFacts(facts, scope, window, rows);
        Document source = new Document("$ifNull", List.of("$source", SourcesReport.NO_SOURCE));
        for (Document group : Figures.aggregate(
                mongo,
                facts.deals(),
                List.of(
                        Figures.match(new Criteria()
                                .andOperator(
                                        scope.records("ownerId", "departmentId", "pipelineId"),
                                        where("createdAt")
                                                .gte(window.startDate())
                                                .lt(window.endDate()))),
                        new Document(
                                "$group",
                                new Document(
                                                "_id",
                                                new Document("period", window.bucket("createdAt"))
                                                        .append("source", source)
                                                        .append("won", new Document("$eq", List.of("$outcome", "WON")))
                                                        .append("currency", "$closedCurrency"))
                                        .append("deals", new Document("$sum", 1))
                                        .append("amount", new Document("$sum", "$closedAmount")))))) {
            var row = row(rows, group);
            Document id = group.get("_id", Document.class);
            long deals = Figures.count(group.get("deals"));
            row.deals += deals;
            if (Boolean.TRUE.equals(id.getBoolean("won"))) {
                row.won += deals;
                Figures.add(row.revenue, id.get("currency"), group.get("amount"));
            }
        }
        return report(window, rows);
    }

    private void leadsFromFacts(
            ProjectionCollections facts, AnalyticsScope scope, QueryWindow window, Map<List<String>, Builder> rows) {
        Document source = new Document("$ifNull", List.of("$source", SourcesReport.NO_SOURCE));
        List<Criteria> leadCriteria = new ArrayList<>(List.of(
                where("tenantId").is(scope.tenantId()),
                where("at").gte(window.startDate()).lt(window.endDate())));
        switch (scope.kind()) {
            case TENANT -> {}
            case DEPARTMENTS -> leadCriteria.add(where("departmentId").in(scope.departments()));
            case OWN, NONE -> {}
        }
        if (scope.filters().departmentId() != null) {
            leadCriteria.add(where("departmentId").is(scope.filters().departmentId()));
        }
        if (scope.kind() == AnalyticsScope.Kind.NONE) {
            leadCriteria.add(where("leadId").in(List.of()));
        } else if (scope.effectiveOwner() != null || scope.filters().pipelineId() != null) {
            leadCriteria.add(where("leadId").in(leadsOfVisibleDeals(facts, scope)));
        }
        for (Document group : Figures.aggregate(
                mongo,
                facts.leads(),
                List.of(
                        Figures.match(new Criteria().andOperator(leadCriteria)),
                        new Document(
                                "$group",
                                new Document(
                                                "_id",
                                                new Document("period", window.bucket("at")).append("source", source))
                                        .append("leads", new Document("$sum", 1)))))) {
            row(rows, group).leads += Figures.count(group.get("leads"));
        }
    }

    private static Map<List<String>, Builder> rows() {
        return new TreeMap<>((a, b) -> {
            int byPeriod = a.get(0).compareTo(b.get(0));
            return byPeriod != 0 ? byPeriod : a.get(1).compareTo(b.get(1));
        });
    }

    private static SourcesReport report(QueryWindow window, Map<List<String>, Builder> rows) {
        List<SourcesReport.Row> result = new ArrayList<>();
        rows.values().forEach(b -> {
            if (b.leads > 0 || b.deals > 0) {
                result.add(b.build());
            }
        });
        return new SourcesReport(
                window.from().toString(),
                window.to().toString(),
                window.zone().getId(),
                window.granularityName(),
                result);
    }

    private List<String> leadsOfVisibleDeals(ProjectionCollections facts, AnalyticsScope scope) {
        var query = new Query(new Criteria()
                .andOperator(
                        scope.records("ownerId", "departmentId", "pipelineId"),
                        where("leadId").ne(null)));
        query.fields().include("leadId");
        return mongo.find(query, Document.class, facts.deals()).stream()
                .map(d -> d.getString("leadId"))
                .toList();
    }

    private static Builder row(Map<List<String>, Builder> rows, Document group) {
        Document id = group.get("_id", Document.class);
        return rows.computeIfAbsent(List.of(id.getString("period"), id.getString("source")), Builder::new);
    }

    private static Builder row(Map<List<String>, Builder> rows, String period, String source) {
        return rows.computeIfAbsent(List.of(period, source == null ? SourcesReport.NO_SOURCE : source), Builder::new);
    }

    /** What a created entry's key says: whether the caller sees it, its source and currency, its last row. */
    private static final class CreatedKey {
        final boolean visible;
        final String source;
        final Object currency;
        String lastLabel;
        Builder lastRow;

        CreatedKey(boolean visible, String source, Object currency) {
            this.visible = visible;
            this.source = source;
            this.currency = currency;
        }

        Builder row(Map<List<String>, Builder> rows, String label) {
            if (!label.equals(lastLabel)) {
                lastLabel = label;
                lastRow = SourcesQuery.row(rows, label, source);
            }
            return lastRow;
        }
    }

    private static final class Builder {
        final String period;
        final String source;
        long leads;
        long deals;
        long won;
        final Map<String, BigDecimal> revenue = new HashMap<>();

        Builder(List<String> key) {
            this.period = key.get(0);
            this.source = key.get(1);
        }

        SourcesReport.Row build() {
            return new SourcesReport.Row(
                    period,
                    source,
                    leads,
                    deals,
                    won,
                    Figures.normalized(revenue),
                    Figures.ratio(deals, leads),
                    Figures.ratio(won, leads));
        }
    }
}
