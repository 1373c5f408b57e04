package org.opencrm.analytics.query;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.bson.Document;
import org.opencrm.analytics.projection.ProjectionCollections;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/** Rep activity from the call, interaction, task and lead facts. */
@Component
class ActivityQuery {

    private final MongoTemplate mongo;
    private final Clock clock = Clock.systemUTC();

    ActivityQuery(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    ActivityReport run(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
        TeamRoster roster = TeamRoster.load(mongo, facts, scope.tenantId());
        Map<List<String>, Builder> rows = new TreeMap<>(ActivityQuery::compareKeys);
        Criteria inPeriod = where("at").gte(window.startDate()).lt(window.endDate());

        // Calls: one document per call, fed by telephony and by logged CALL interactions.
        for (Document group : Figures.aggregate(
                mongo,
                facts.calls(),
                List.of(
                        Figures.match(where("tenantId").is(scope.tenantId())),
                        callFields(),
                        Figures.match(new Criteria()
                                .andOperator(
                                        scope.reps("user", "departmentId", roster),
                                        inPeriod,
                                        where("missed").is(false))),
                        groupByRep("at", "$user", window)))) {
            row(rows, group).calls = Figures.count(group.get("count"));
        }

        for (Document group : Figures.aggregate(
                mongo,
                facts.interactions(),
                List.of(
                        Figures.match(
                                new Criteria().andOperator(scope.reps("userId", "departmentId", roster), inPeriod)),
                        groupByRep("at", "$userId", window)))) {
            row(rows, group).interactions = Figures.count(group.get("count"));
        }

        for (Document group : Figures.aggregate(
                mongo,
                facts.tasks(),
                List.of(
                        Figures.match(new Criteria()
                                .andOperator(
                                        scope.reps("assigneeId", "departmentId", roster),
                                        where("state").is("DONE"),
                                        where("completedAt")
                                                .gte(window.startDate())
                                                .lt(window.endDate()))),
                        groupByRep("completedAt", "$assigneeId", window)))) {
            row(rows, group).tasksCompleted = Figures.count(group.get("count"));
        }

        // Only tasks already due can be late: a period reaching into the future counts up to now.
        Date dueUntil = Date.from(min(window.end(), clock.instant()));
        for (Document group : Figures.aggregate(
                mongo,
                facts.tasks(),
                List.of(
                        Figures.match(new Criteria()
                                .andOperator(
                                        where("tenantId").is(scope.tenantId()),
                                        where("dueAt").gte(window.startDate()).lt(dueUntil),
                                        new Criteria()
                                                .orOperator(
                                                        where("state").ne("CANCELLED"),
                                                        where("overdue").is(true)))),
                        new Document(
                                "$addFields",
                                new Document(
                                                "responsible",
                                                new Document("$ifNull", List.of("$overdueAssigneeId", "$assigneeId")))
                                        .append(
                                                "late",
                                                new Document(
                                                        "$cond",
                                                        List.of(
                                                                new Document(
                                                                        "$or",
                                                                        List.of(
                                                                                new Document(
                                                                                        "$eq",
                                                                                        List.of("$overdue", true)),
                                                                                new Document(
                                                                                        "$and",
                                                                                        List.of(
                                                                                                new Document(
                                                                                                        "$eq",
                                                                                                        List.of(
                                                                                                                "$state",
                                                                                                                "DONE")),
                                                                                                new Document(
                                                                                                        "$gt",
                                                                                                        List.of(
                                                                                                                "$completedAt",
                                                                                                                "$dueAt")))))),
                                                                1,
                                                                0)))),
                        Figures.match(scope.reps("responsible", "departmentId", roster)),
                        new Document(
                                "$group",
                                new Document(
                                                "_id",
                                                new Document("period", window.bucket("dueAt"))
                                                        .append("user", "$responsible"))
                                        .append("due", new Document("$sum", 1))
                                        .append("late", new Document("$sum", "$late")))))) {
            var row = row(rows, group);
            row.tasksDue = Figures.count(group.get("due"));
            row.tasksOverdue = Figures.count(group.get("late"));
        }

        firstResponses(facts, scope, window, roster, rows);

        List<ActivityReport.Row> result = new ArrayList<>();
        rows.values().forEach(b -> result.add(b.build()));
        return new ActivityReport(
                window.from().toString(),
                window.to().toString(),
                window.zone().getId(),
                window.granularityName(),
                result);
    }

    /**
     * First response: for each lead received in the period, the first call with that client at or after the
     * lead, made by whoever made it. Clients are matched by pseudonym, following merges.
     */
    private void firstResponses(
            ProjectionCollections facts,
            AnalyticsScope scope,
            QueryWindow window,
            TeamRoster roster,
            Map<List<String>, Builder> rows) {
        var leads = mongo.find(
                new Query(new Criteria()
                        .andOperator(
                                where("tenantId").is(scope.tenantId()),
                                where("at").gte(window.startDate()).lt(window.endDate()),
                                where("clientKey").ne(null))),
                Document.class,
                facts.leads());
        if (leads.isEmpty()) {
            return;
        }
        ClientAliases aliases = ClientAliases.load(mongo, facts, scope.tenantId());
        Set<String> clients = new HashSet<>();
        leads.forEach(lead -> clients.add(aliases.canonical(lead.getString("clientKey"))));
        Collection<String> keys = aliases.allKeysOf(clients);
        Instant earliestLead = leads.stream()
                .map(l -> l.getDate("at").toInstant())
                .min(Instant::compareTo)
                .orElseThrow();

        Map<String, List<Call>> callsByClient = new HashMap<>();
        for (Document call : Figures.aggregate(
                mongo,
                facts.calls(),
                List.of(
                        Figures.match(new Criteria()
                                .andOperator(
                                        where("tenantId").is(scope.tenantId()),
                                        new Criteria()
                                                .orOperator(
                                                        where("call.clientKeys").in(keys),
                                                        where("interaction.clientKey")
                                                                .in(keys)))),
                        callFields(),
                        Figures.match(new Criteria()
                                .andOperator(
                                        where("missed").is(false),
                                        where("at").gte(Date.from(earliestLead)),
                                        where("user").ne(null)))))) {
            var value = new Call(
                    call.getString("user"),
                    call.getString("departmentId"),
                    call.getDate("at").toInstant());
            Set<String> clientsOfCall = new HashSet<>();
            Document telephony = call.get("call", Document.class);
            if (telephony != null) {
                telephony
                        .getList("clientKeys", String.class, List.of())
                        .forEach(k -> clientsOfCall.add(aliases.canonical(k)));
            }
            Document logged = call.get("interaction", Document.class);
            if (logged != null && logged.getString("clientKey") != null) {
                clientsOfCall.add(aliases.canonical(logged.getString("clientKey")));
            }
            clientsOfCall.forEach(client -> callsByClient
                    .computeIfAbsent(client, c -> new ArrayList<>())
                    .add(value));
        }

        for (Document lead : leads) {
            Instant receivedAt = lead.getDate("at").toInstant();
            callsByClient.getOrDefault(aliases.canonical(lead.getString("clientKey")), List.of()).stream()
                    .filter(call -> !call.at().isBefore(receivedAt))
                    .min((a, b) -> a.at().compareTo(b.at()))
                    .filter(first -> scope.canSeeRep(first.user(), first.departmentId(), roster))
                    .ifPresent(first -> rows.computeIfAbsent(
                                    List.of(window.label(receivedAt), first.user()), Builder::new)
                            .firstResponses
                            .add(Duration.between(receivedAt, first.at()).toSeconds()));
        }
    }

    /** The call's rep, time and whether it was a missed inbound call, whichever source described it. */
    private static Document callFields() {
        return new Document(
                "$addFields",
                new Document("user", new Document("$ifNull", List.of("$call.operatorId", "$interaction.userId")))
                        .append("departmentId", "$interaction.departmentId")
                        .append("at", new Document("$ifNull", List.of("$call.startedAt", "$interaction.at")))
                        .append(
                                "missed",
                                new Document(
                                        "$and",
                                        List.of(
                                                new Document("$eq", List.of("$call.direction", "INBOUND")),
                                                new Document("$eq", List.of("$call.answered", false))))));
    }

    private static Document groupByRep(String dateField, String userExpression, QueryWindow window) {
        return new Document(
                "$group",
                new Document("_id", new Document("period", window.bucket(dateField)).append("user", userExpression))
                        .append("count", new Document("$sum", 1)));
    }

    private static Builder row(Map<List<String>, Builder> rows, Document group) {
        Document id = group.get("_id", Document.class);
        String user = id.getString("user");
        return rows.computeIfAbsent(List.of(id.getString("period"), user == null ? "" : user), Builder::new);
    }

    private static int compareKeys(List<String> a, List<String> b) {
        int byPeriod = a.get(0).compareTo(b.get(0));
        return byPeriod != 0 ? byPeriod : a.get(1).compareTo(b.get(1));
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private record Call(String user, String departmentId, Instant at) {}

    private static final class Builder {
        final String period;
        final String user;
        long calls;
        long interactions;
        long tasksCompleted;
        long tasksDue;
        long tasksOverdue;
        final List<Long> firstResponses = new ArrayList<>();

        Builder(List<String> key) {
            this.period = key.get(0);
            this.user = key.get(1).isEmpty() ? null : key.get(1);
        }

        ActivityReport.Row build() {
            return new ActivityReport.Row(
                    period,
                    user,
                    calls,
                    interactions,
                    tasksCompleted,
                    tasksDue,
                    tasksOverdue,
                    Figures.ratio(tasksOverdue, tasksDue),
                    firstResponses.size(),
                    Figures.average(firstResponses),
                    Figures.median(firstResponses));
        }
    }
}
