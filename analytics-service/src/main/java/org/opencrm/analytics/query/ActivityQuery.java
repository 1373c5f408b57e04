package org.opencrm.analytics.query;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
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
import org.opencrm.analytics.projection.ActivityRollups;
import org.opencrm.analytics.projection.DealRollups;
import org.opencrm.analytics.projection.FirstResponses;
import org.opencrm.analytics.projection.ProjectionCollections;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * Rep activity from the rollups ({@link ActivityRollups}, {@link FirstResponses}) where the caller's days are whole
 * UTC hours, otherwise from the call, interaction, task and lead facts. Either way the median first response is read
 * from durations kept to 3 significant digits ({@link FirstResponses#bucket}).
 */
@Component
class ActivityQuery {

    private final MongoTemplate mongo;
    private final Clock clock = Clock.systemUTC();

    ActivityQuery(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    ActivityReport run(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window) {
        Instant now = clock.instant();
        return window.daysStartOnWholeHours()
                ? fromRollups(facts, scope, window, now)
                : fromFacts(facts, scope, window, now);
    }

    /**
     * Calls, interactions, tasks completed and the overdue rate from the rollups ({@link ActivityRollups}): the
     * period's UTC days, four documents each read by {@code _id}, each rep's hourly figures filtered by scope and
     * grouped into the caller's periods, or for a past day wholly inside one row its figures without hours; tasks due count the whole hours before {@code now} from the day documents
     * and the hour in progress task by task from its own document; first responses per responder and lead hour with
     * their histograms ({@link FirstResponses}).
     */
    ActivityReport fromRollups(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window, Instant now) {
        TeamRoster roster = TeamRoster.load(mongo, facts, scope.tenantId());
        Map<List<String>, Builder> rows = new TreeMap<>(ActivityQuery::compareKeys);
        Instant start = window.start();
        Instant end = window.end();
        Instant currentHour = now.truncatedTo(ChronoUnit.HOURS);
        var labels = window.labels();
        LocalDate today = LocalDate.ofInstant(currentHour, ZoneOffset.UTC);
        // per day document, its UTC day and the label of each of its hours inside the period (null outside); a day
        // before today that lies wholly inside one row is read from its sums without hours (a handful of figures
        // per rep instead of up to 72): its tasks are all due, and no hour of it needs a row of its own
        Map<String, DayDocument> dayDocuments = new HashMap<>();
        for (LocalDate day = LocalDate.ofInstant(start, ZoneOffset.UTC);
                day.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(end);
                day = day.plusDays(1)) {
            String wholeRow = day.isBefore(today) ? RollupPlan.wholeDay(window, day) : null;
            if (wholeRow != null) {
                var sums = new DayDocument(day, null, wholeRow);
                dayDocuments.put(ActivityRollups.callsDayId(scope.tenantId(), day), sums);
                dayDocuments.put(ActivityRollups.interactionsDayId(scope.tenantId(), day), sums);
                dayDocuments.put(ActivityRollups.tasksDayId(scope.tenantId(), day), sums);
                dayDocuments.put(FirstResponses.dayId(scope.tenantId(), day), sums);
                continue;
            }
            String[] ofHour = new String[24];
            Instant midnight = day.atStartOfDay(ZoneOffset.UTC).toInstant();
            for (int hour = 0; hour < 24; hour++) {
                Instant at = midnight.plusSeconds(hour * 3600L);
                ofHour[hour] = at.isBefore(start) || !at.isBefore(end) ? null : labels.of(at);
            }
            var document = new DayDocument(day, ofHour, null);
            dayDocuments.put(ActivityRollups.callsId(scope.tenantId(), day), document);
            dayDocuments.put(ActivityRollups.interactionsId(scope.tenantId(), day), document);
            dayDocuments.put(ActivityRollups.tasksId(scope.tenantId(), day), document);
            dayDocuments.put(FirstResponses.id(scope.tenantId(), day), document);
        }
        List<String> ids = new ArrayList<>(dayDocuments.keySet());
        boolean partialHour = !currentHour.isBefore(start) && currentHour.isBefore(end) && now.isAfter(currentHour);
        String dueHourId = ActivityRollups.dueHourId(scope.tenantId(), currentHour);
        if (partialHour) {
            ids.add(dueHourId);
        }
        int currentHourOfDay = currentHour.atZone(ZoneOffset.UTC).getHour();
        for (RollupDocument rollup : RollupReads.entries(
                mongo.getCollection(facts.rollups()), new Document("_id", new Document("$in", ids)))) {
            DayDocument document = dayDocuments.get(rollup.id());
            if (document == null) {
                dueInTheHourInProgress(rollup, scope, roster, labels, start, end, now, rows);
                continue;
            }
            String[] ofHour = document.rows();
            // tasks due count in the whole hours before the current one (the hour in progress is read task by task)
            int dueHours = document.day().isBefore(today) ? 24 : document.day().isAfter(today) ? 0 : currentHourOfDay;
            for (RollupEntry entry : rollup.entries()) {
                String user = entry.getString(DealRollups.OWNER);
                if (!scope.canSeeRep(user, entry.getString(DealRollups.DEPARTMENT), roster)) {
                    continue;
                }
                String userKey = user == null ? "" : user;
                if (document.wholeRow() != null) {
                    var row = rows.computeIfAbsent(List.of(document.wholeRow(), userKey), Builder::new);
                    for (int field = 0; field < entry.size(); field++) {
                        // the rep and department are no figure's name
                        add(row, entry, field, 0);
                    }
                    continue;
                }
                String label = null;
                Builder row = null;
                for (int field = 0; field < entry.size(); field++) {
                    int hour = entry.nameHour(field);
                    if (hour < 0 || ofHour[hour] == null) {
                        // a dimension, or an hour outside the period
                        continue;
                    }
                    boolean due = entry.nameEquals(field, 2, ActivityRollups.DUE);
                    if ((due || entry.nameEquals(field, 2, ActivityRollups.LATE)) && hour >= dueHours) {
                        continue;
                    }
                    if (!ofHour[hour].equals(label)) {
                        label = ofHour[hour];
                        row = rows.computeIfAbsent(List.of(label, userKey), Builder::new);
                    }
                    add(row, entry, field, 2);
                }
            }
        }
        return report(window, rows);
    }

    /** A figure of an entry into its row: its name after the first {@code from} bytes (an hourly name's hour). */
    private static void add(Builder row, RollupEntry entry, int field, int from) {
        if (entry.nameEquals(field, from, ActivityRollups.CALLS)) {
            row.calls += entry.count(field);
        } else if (entry.nameEquals(field, from, ActivityRollups.INTERACTIONS)) {
            row.interactions += entry.count(field);
        } else if (entry.nameEquals(field, from, ActivityRollups.COMPLETED)) {
            row.tasksCompleted += entry.count(field);
        } else if (entry.nameEquals(field, from, ActivityRollups.DUE)) {
            row.tasksDue += entry.count(field);
        } else if (entry.nameEquals(field, from, ActivityRollups.LATE)) {
            row.tasksOverdue += entry.count(field);
        } else if (entry.nameStartsWith(field, from, FirstResponses.BUCKET_SUM)) {
            // an inexact bucket's sum of seconds
            long seconds = entry.count(field);
            row.responseSeconds += seconds;
            row.bucket(entry.nameNumber(field, from + FirstResponses.BUCKET_SUM.length()), 0, seconds);
        } else if (entry.nameStartsWith(field, from, FirstResponses.BUCKET)) {
            // first responses of a bucket: below EXACT_BELOW, of exactly that many seconds each
            long count = entry.count(field);
            long bucket = entry.nameNumber(field, from + FirstResponses.BUCKET.length());
            row.leadsResponded += count;
            if (bucket < FirstResponses.EXACT_BELOW) {
                row.responseSeconds += bucket * count;
            }
            row.bucket(bucket, count, 0);
        }
    }

    /** The hour in progress: its tasks one by one ({@link ActivityRollups#dueHourId}), those already due. */
    private static void dueInTheHourInProgress(
            RollupDocument dueList,
            AnalyticsScope scope,
            TeamRoster roster,
            QueryWindow.Labels labels,
            Instant start,
            Instant end,
            Instant now,
            Map<List<String>, Builder> rows) {
        for (RollupEntry entry : dueList.entries()) {
            Instant at = entry.hour();
            String user = entry.getString(DealRollups.OWNER);
            if (at.isBefore(start)
                    || !at.isBefore(end)
                    || !at.isBefore(now)
                    || !scope.canSeeRep(user, entry.getString(DealRollups.DEPARTMENT), roster)) {
                continue;
            }
            var row = rows.computeIfAbsent(List.of(labels.of(at), user == null ? "" : user), Builder::new);
            row.tasksDue += entry.count(ActivityRollups.DUE);
            row.tasksOverdue += entry.count(ActivityRollups.LATE);
        }
    }

    /** By aggregating the facts: for zones whose days do not start on whole UTC hours. */
    ActivityReport fromFacts(ProjectionCollections facts, AnalyticsScope scope, QueryWindow window, Instant now) {
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
            row(rows, group).calls += Figures.count(group.get("count"));
        }

        for (Document group : Figures.aggregate(
                mongo,
                facts.interactions(),
                List.of(
                        Figures.match(
                                new Criteria().andOperator(scope.reps("userId", "departmentId", roster), inPeriod)),
                        groupByRep("at", "$userId", window)))) {
            row(rows, group).interactions += Figures.count(group.get("count"));
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
            row(rows, group).tasksCompleted += Figures.count(group.get("count"));
        }

        // Only tasks already due can be late: a period reaching into the future counts up to now.
        Date dueUntil = Date.from(min(window.end(), now));
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
            row.tasksDue += Figures.count(group.get("due"));
            row.tasksOverdue += Figures.count(group.get("late"));
        }

        firstResponses(facts, scope, window, roster, rows);
        return report(window, rows);
    }

    private static ActivityReport report(QueryWindow window, Map<List<String>, Builder> rows) {
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
                    .min(FIRST)
                    .filter(first -> scope.canSeeRep(first.user(), first.departmentId(), roster))
                    .ifPresent(first -> rows.computeIfAbsent(
                                    List.of(window.label(receivedAt), first.user()), Builder::new)
                            .response(Duration.between(receivedAt, first.at()).toSeconds()));
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

    /**
     * The row of a group. Added to, not set: a rep computed as missing and one stored as null are two groups of the
     * database (a call neither telephony nor its log names a rep of) and one row.
     */
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

    /** A day document of the period: its UTC day and the row of each of its hours (null outside the period). */
    /**
     * A day document of the period: its UTC day and either the row of each of its hours (null outside the period),
     * or the one row the whole day lies in, for its document of sums without hours.
     */
    private record DayDocument(LocalDate day, String[] rows, String wholeRow) {}

    /** The earliest call; of calls at the same second, the rep and then department first in order, not any. */
    private static final java.util.Comparator<Call> FIRST = java.util.Comparator.comparing(Call::at)
            .thenComparing(Call::user)
            .thenComparing(Call::departmentId, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()));

    private static final class Builder {
        final String period;
        final String user;
        long calls;
        long interactions;
        long tasksCompleted;
        long tasksDue;
        long tasksOverdue;
        long leadsResponded;
        long responseSeconds;
        /** First-response durations by bucket ({@link FirstResponses#bucket}): count and sum of seconds. */
        final BucketSums responseBuckets = new BucketSums();

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
                    leadsResponded,
                    leadsResponded == 0 ? null : (double) responseSeconds / leadsResponded,
                    DurationMedian.of(responseBuckets));
        }

        void response(long seconds) {
            leadsResponded++;
            responseSeconds += seconds;
            bucket(FirstResponses.bucket(seconds), 1, seconds);
        }

        void bucket(long bucket, long count, long seconds) {
            responseBuckets.add(bucket, count, seconds);
        }
    }
}
