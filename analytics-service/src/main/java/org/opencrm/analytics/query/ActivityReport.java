package org.opencrm.analytics.query;

import static org.opencrm.analytics.query.FunnelReport.nullable;

import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.util.List;

/** Per rep and period: calls, logged interactions, tasks done and overdue, first response to leads. */
record ActivityReport(String from, String to, String timeZone, String granularity, List<Row> rows) implements CsvTable {

    /**
     * @param calls calls the rep had in the period (telephony and logged), missed inbound calls excluded
     * @param interactions entries the rep added to client histories (any type, calls included)
     * @param tasksCompleted tasks the rep completed in the period
     * @param tasksDue the rep's tasks due in the period (and already due), cancelled ones excluded unless they
     *     had gone overdue first
     * @param tasksOverdue of those, tasks that went overdue while the rep held them or were completed late
     * @param overdueRate {@code tasksOverdue / tasksDue}
     * @param leadsResponded leads received in the period whose first call (after the lead) the rep made
     * @param averageFirstResponseSeconds average time from those leads to their first call
     * @param medianFirstResponseSeconds median of those times, from durations kept to 3 significant digits: exact
     *     below 4,096 s, at most 0.05% off above
     */
    record Row(
            String period,
            String userId,
            long calls,
            long interactions,
            long tasksCompleted,

            @Schema(
                    description = "the rep's tasks due in the period and already due at the time of the query"
                            + " (cancelled ones only if they had gone overdue)")
            long tasksDue,

            @Schema(description = "of those, tasks that went overdue while the rep held them or were completed late")
            long tasksOverdue,

            BigDecimal overdueRate,

            @Schema(
                    description = "leads received in the period whose first call with that client (at or after"
                            + " the lead, by anyone) this rep made")
            long leadsResponded,

            @Schema(description = "exact mean of those leads' seconds to their first call")
            Double averageFirstResponseSeconds,

            @Schema(
                    description = "median of those leads' seconds to their first call, from durations kept to"
                            + " 3 significant digits: exact below 4,096 s, above at most 0.05% off")
            Double medianFirstResponseSeconds) {}

    @Override
    public List<String> csvHeader() {
        return List.of(
                "period",
                "userId",
                "calls",
                "interactions",
                "tasksCompleted",
                "tasksDue",
                "tasksOverdue",
                "overdueRate",
                "leadsResponded",
                "averageFirstResponseSeconds",
                "medianFirstResponseSeconds");
    }

    @Override
    public List<List<Object>> csvRows() {
        return rows.stream()
                .map(r -> List.<Object>of(
                        r.period(),
                        r.userId(),
                        r.calls(),
                        r.interactions(),
                        r.tasksCompleted(),
                        r.tasksDue(),
                        r.tasksOverdue(),
                        nullable(r.overdueRate()),
                        r.leadsResponded(),
                        nullable(r.averageFirstResponseSeconds()),
                        nullable(r.medianFirstResponseSeconds())))
                .toList();
    }
}
