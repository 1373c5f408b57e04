package org.opencrm.analytics.projection;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * The activity report's rollups, kept like {@link DealRollups}' (each fact document's contribution is a function
 * of the document; a change applies the difference between its contribution before and after once, through the
 * same pending differences, marks and compare-and-sets):
 *
 * <ul>
 *   <li>{@code <tenant>|act-rep-calls|<UTC day>}: per rep and department the calls made in each hour of the day (a
 *       call document, the telephony call and its logged CALL interaction merged, counts once; missed inbound calls
 *       not at all);
 *   <li>{@code <tenant>|act-rep-interactions|<UTC day>}: per rep and department the history entries logged in each
 *       hour;
 *   <li>{@code <tenant>|act-rep-tasks|<UTC day>}: per person and department the tasks they completed in each hour,
 *       and the tasks due in each hour that they were responsible for ({@code overdueAssigneeId}, else the
 *       assignee) and of those the late ones (overdue, or done after their due time); cancelled tasks only if they
 *       had gone overdue;
 *   <li>{@code <tenant>|act-day-calls|<UTC day>}, {@code act-day-interactions}, {@code act-day-tasks} (and {@link
 *       FirstResponses#dayId}): the same figures without their hours ({@link #callsDayId});
 *   <li>{@code <tenant>|act-due|<UTC hour>}: the tasks due in that hour one by one, with their due time,
 *       responsible, department and late flag: the overdue rate counts tasks "already due" at the time of the
 *       query, so the hour in progress is read task by task (at most that hour's due tasks).
 * </ul>
 *
 * <p>One entry per rep and department a day, its figures named by their hour ({@link #hourly}: {@code 07calls}),
 * rather than one entry per hour: a report needs the hours (a caller's day starts on any whole UTC hour), but an
 * entry per hour repeated the rep, department and hour in each of ~165,000 entries that 30 days of activity read at
 * 1,000,000 deals, and encoding them was most of the call (docs/analytics.md).
 *
 * <p>The documents of each kind are separate so that the marks of one fact collection (tasks, calls,
 * interactions: their ids are unique only within the collection) never meet another's in one rollup document.
 */
public final class ActivityRollups {

    public static final String CALLS = "calls";
    public static final String INTERACTIONS = "interactions";
    public static final String COMPLETED = "completed";
    public static final String DUE = "due";
    public static final String LATE = "late";

    private ActivityRollups() {}

    public static String callsId(String tenantId, LocalDate utcDay) {
        return DealRollups.escape(tenantId) + "|act-rep-calls|" + utcDay;
    }

    public static String interactionsId(String tenantId, LocalDate utcDay) {
        return DealRollups.escape(tenantId) + "|act-rep-interactions|" + utcDay;
    }

    public static String tasksId(String tenantId, LocalDate utcDay) {
        return DealRollups.escape(tenantId) + "|act-rep-tasks|" + utcDay;
    }

    /**
     * The same figures as {@link #callsId}'s without their hours ({@code calls}): a report reads them for a UTC day
     * wholly inside one row of its answer and before the current one. A rep's entry of a day holds up to 72 hourly
     * figures and these a handful, and most days of a period are whole (every day but the period's edges when the
     * answer has one row).
     */
    public static String callsDayId(String tenantId, LocalDate utcDay) {
        return DealRollups.escape(tenantId) + "|act-day-calls|" + utcDay;
    }

    /** {@link #interactionsId}'s figures without their hours, as {@link #callsDayId}. */
    public static String interactionsDayId(String tenantId, LocalDate utcDay) {
        return DealRollups.escape(tenantId) + "|act-day-interactions|" + utcDay;
    }

    /** {@link #tasksId}'s figures without their hours, as {@link #callsDayId}. */
    public static String tasksDayId(String tenantId, LocalDate utcDay) {
        return DealRollups.escape(tenantId) + "|act-day-tasks|" + utcDay;
    }

    /**
     * Adds {@code figures} to a rep's entry twice: named by their hour in the day's document {@code hourlyId} and as
     * they are in the day's sums {@code dayId}.
     */
    static void accumulate(
            Map<String, Map<String, Document>> result,
            String hourlyId,
            String dayId,
            Instant hour,
            String user,
            String departmentId,
            Document figures) {
        Document hourly = new Document();
        figures.forEach((name, value) -> hourly.append(hourly(hour, name), value));
        DealRollups.accumulate(result, hourlyId, repKey(user, departmentId), repDims(user, departmentId), hourly);
        DealRollups.accumulate(result, dayId, repKey(user, departmentId), repDims(user, departmentId), figures);
    }

    /** A figure of one UTC hour of its day's document: the hour's two digits, then the figure ({@code 07calls}). */
    public static String hourly(Instant hour, String figure) {
        int of = hour.atZone(ZoneOffset.UTC).getHour();
        return (of < 10 ? "0" : "") + of + figure;
    }

    /** The key of a rep's (or any person's) entry in a day's document. */
    static String repKey(String user, String departmentId) {
        return DealRollups.part(user) + "|" + DealRollups.part(departmentId);
    }

    /** The dimensions of a rep's entry: the rep and their department. */
    static Document repDims(String user, String departmentId) {
        return new Document(DealRollups.OWNER, user).append(DealRollups.DEPARTMENT, departmentId);
    }

    /** The tasks due in one UTC hour, one entry each ({@code hour} truncated to the hour). */
    public static String dueHourId(String tenantId, Instant hour) {
        return DealRollups.escape(tenantId) + "|act-due|" + hour.truncatedTo(ChronoUnit.HOURS);
    }

    /**
     * An interaction's operations, inserted with its fact (once, revision 1, like an appeal's): one more in its hour
     * of its rep and department's entry in its UTC day's document, and one more in the day's sums.
     */
    static List<Document> interactionOps(String tenantId, String userId, String departmentId, Date at) {
        Instant hour = at.toInstant().truncatedTo(ChronoUnit.HOURS);
        LocalDate day = LocalDate.ofInstant(hour, ZoneOffset.UTC);
        return List.of(
                new Document("id", interactionsId(tenantId, day))
                        .append("k", repKey(userId, departmentId))
                        .append("dims", repDims(userId, departmentId))
                        .append("inc", new Document(hourly(hour, INTERACTIONS), 1L)),
                new Document("id", interactionsDayId(tenantId, day))
                        .append("k", repKey(userId, departmentId))
                        .append("dims", repDims(userId, departmentId))
                        .append("inc", new Document(INTERACTIONS, 1L)));
    }

    /**
     * What one call document adds: one call at its start (telephony's, else the logged interaction's time) by its
     * rep (telephony's operator, else the user who logged it) and the logged interaction's department, unless it
     * was an inbound call nobody answered. The same fields the report from the facts reads ({@code call_facts}).
     */
    static Map<String, Map<String, Document>> callContribution(Document call) {
        Map<String, Map<String, Document>> result = new LinkedHashMap<>();
        String tenant = call == null ? null : call.getString("tenantId");
        if (tenant == null) {
            return result;
        }
        Document telephony = call.get("call", Document.class);
        Document logged = call.get("interaction", Document.class);
        String user = telephony != null && telephony.getString("operatorId") != null
                ? telephony.getString("operatorId")
                : logged == null ? null : logged.getString("userId");
        String department = logged == null ? null : logged.getString("departmentId");
        Date at = telephony != null && telephony.getDate("startedAt") != null
                ? telephony.getDate("startedAt")
                : logged == null ? null : logged.getDate("at");
        boolean missed = telephony != null
                && "INBOUND".equals(telephony.getString("direction"))
                && Boolean.FALSE.equals(telephony.get("answered"));
        if (at == null || missed) {
            return result;
        }
        Instant hour = at.toInstant().truncatedTo(ChronoUnit.HOURS);
        LocalDate day = LocalDate.ofInstant(hour, ZoneOffset.UTC);
        accumulate(
                result, callsId(tenant, day), callsDayId(tenant, day), hour, user, department, new Document(CALLS, 1L));
        return result;
    }

    /**
     * What one task document adds: completed (state DONE) at its completion hour by its assignee; due at its due
     * hour against the responsible, late or not; and itself in its due hour's list. Cancelled tasks are due only
     * if they had gone overdue, as the report from the facts counts them.
     */
    static Map<String, Map<String, Document>> taskContribution(Document task) {
        Map<String, Map<String, Document>> result = new LinkedHashMap<>();
        String tenant = task == null ? null : task.getString("tenantId");
        if (tenant == null) {
            return result;
        }
        String state = task.getString("state");
        String assignee = task.getString("assigneeId");
        String department = task.getString("departmentId");
        Date completedAt = task.getDate("completedAt");
        if ("DONE".equals(state) && completedAt != null) {
            Instant hour = completedAt.toInstant().truncatedTo(ChronoUnit.HOURS);
            LocalDate day = LocalDate.ofInstant(hour, ZoneOffset.UTC);
            accumulate(
                    result,
                    tasksId(tenant, day),
                    tasksDayId(tenant, day),
                    hour,
                    assignee,
                    department,
                    new Document(COMPLETED, 1L));
        }
        Date dueAt = task.getDate("dueAt");
        boolean overdue = Boolean.TRUE.equals(task.get("overdue"));
        if (dueAt != null && (!"CANCELLED".equals(state) || overdue)) {
            String responsible =
                    task.getString("overdueAssigneeId") != null ? task.getString("overdueAssigneeId") : assignee;
            boolean late = overdue || ("DONE".equals(state) && completedAt != null && completedAt.after(dueAt));
            Instant hour = dueAt.toInstant().truncatedTo(ChronoUnit.HOURS);
            // the same entry as the completion's when the responsible completed it the same UTC day
            Document due = new Document(DUE, 1L);
            if (late) {
                due.append(LATE, 1L);
            }
            LocalDate day = LocalDate.ofInstant(hour, ZoneOffset.UTC);
            accumulate(result, tasksId(tenant, day), tasksDayId(tenant, day), hour, responsible, department, due);
            // one entry per task: its exact due time is a dimension (the hour field holds it, not truncated)
            result.computeIfAbsent(dueHourId(tenant, hour), id -> new LinkedHashMap<>())
                    .put(
                            dueAt.getTime() + "|" + DealRollups.part(task.getString("_id")) + "|"
                                    + DealRollups.part(responsible) + "|" + DealRollups.part(department),
                            figures(dims(dueAt.toInstant(), responsible, department), late));
        }
        return result;
    }

    private static Document figures(Document dims, boolean late) {
        dims.append(DUE, 1L);
        return late ? dims.append(LATE, 1L) : dims;
    }

    private static Document dims(Instant hour, String user, String department) {
        return new Document(DealRollups.HOUR, Date.from(hour))
                .append(DealRollups.OWNER, user)
                .append(DealRollups.DEPARTMENT, department);
    }
}
