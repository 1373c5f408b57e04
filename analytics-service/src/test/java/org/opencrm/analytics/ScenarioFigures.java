package org.opencrm.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.opencrm.analytics.AnalyticsTestSupport.row;
import static org.opencrm.analytics.AnalyticsTestSupport.values;

import java.math.BigDecimal;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** The figures {@link Scenario} must give, for March 2026 in UTC, seen by an administrator. */
final class ScenarioFigures {

    private ScenarioFigures() {}

    static void assertFunnel(JsonNode funnel) {
        assertThat(values(funnel, "stage")).containsExactly("new", "measure", "approval", "won", "lost");
        var stageNew = row(funnel, Map.of("stage", "new"));
        assertThat(stageNew.get("entered").asLong()).isEqualTo(4);
        assertThat(stageNew.get("movedForward").asLong()).isEqualTo(3);
        assertThat(stageNew.get("lost").asLong()).isZero();
        assertThat(stageNew.get("won").asLong()).isEqualTo(1);
        assertThat(decimal(stageNew, "conversionToNext")).isEqualByComparingTo("0.75");
        assertThat(decimal(stageNew, "conversionToWon")).isEqualByComparingTo("0.25");
        assertThat(stageNew.get("averageSecondsInStage").asDouble()).isEqualTo(86_400);
        assertThat(stageNew.get("medianSecondsInStage").asDouble()).isEqualTo(86_400);

        var measure = row(funnel, Map.of("stage", "measure"));
        assertThat(measure.get("entered").asLong()).isEqualTo(3);
        assertThat(measure.get("movedForward").asLong()).isEqualTo(1);
        assertThat(measure.get("lost").asLong()).isEqualTo(1);
        assertThat(measure.get("won").asLong()).isEqualTo(1);
        assertThat(decimal(measure, "conversionToNext")).isEqualByComparingTo("0.3333");
        assertThat(decimal(measure, "conversionToWon")).isEqualByComparingTo("0.3333");
        assertThat(measure.get("exits").asLong()).isEqualTo(2);
        assertThat(measure.get("averageSecondsInStage").asDouble()).isEqualTo(129_600);
        assertThat(measure.get("medianSecondsInStage").asDouble()).isEqualTo(129_600);

        var approval = row(funnel, Map.of("stage", "approval"));
        assertThat(approval.get("entered").asLong()).isEqualTo(1);
        assertThat(approval.get("movedForward").asLong()).isEqualTo(1);
        assertThat(decimal(approval, "conversionToWon")).isEqualByComparingTo("1");
        assertThat(approval.get("averageSecondsInStage").asDouble()).isEqualTo(172_800);

        var won = row(funnel, Map.of("stage", "won"));
        assertThat(won.get("entered").asLong()).isEqualTo(1);
        assertThat(won.get("stageKind").asString()).isEqualTo("WON");
        var lost = row(funnel, Map.of("stage", "lost"));
        assertThat(lost.get("entered").asLong()).isEqualTo(1);
        assertThat(lost.get("won").asLong()).isZero();
    }

    static void assertDeals(JsonNode deals) {
        assertThat(deals.get("rows")).hasSize(1);
        var month = deals.get("rows").get(0);
        assertThat(month.get("period").asString()).isEqualTo("2026-03-01/2026-03-31");
        assertThat(month.get("won").asLong()).isEqualTo(1);
        assertThat(month.get("lost").asLong()).isEqualTo(1);
        assertThat(decimal(month, "winRate")).isEqualByComparingTo("0.5");
        assertThat(month.get("wonAmount").get("EUR").decimalValue()).isEqualByComparingTo("1000.00");
        assertThat(month.get("lostAmount").get("EUR").decimalValue()).isEqualByComparingTo("500.00");
        assertThat(decimal(month, "averageSalesCycleDays")).isEqualByComparingTo("4");
        var open = deals.get("open");
        assertThat(open.get("deals").asLong()).isEqualTo(2);
        assertThat(open.get("value").get("EUR").decimalValue()).isEqualByComparingTo("2800.00");
        // 2500 x 40% + 300 x 10%
        assertThat(open.get("weightedForecast").get("EUR").decimalValue()).isEqualByComparingTo("1030.00");
    }

    static void assertSources(JsonNode sources) {
        assertThat(values(sources, "source")).containsExactly("(none)", "ads", "website");
        var website = row(sources, Map.of("source", "website"));
        assertThat(website.get("leads").asLong()).isEqualTo(3);
        assertThat(website.get("deals").asLong()).isEqualTo(2);
        assertThat(website.get("won").asLong()).isEqualTo(1);
        assertThat(website.get("revenue").get("EUR").decimalValue()).isEqualByComparingTo("1000.00");
        assertThat(decimal(website, "leadToDeal")).isEqualByComparingTo("0.6667");
        assertThat(decimal(website, "conversion")).isEqualByComparingTo("0.3333");
        var ads = row(sources, Map.of("source", "ads"));
        assertThat(ads.get("leads").asLong()).isEqualTo(1);
        assertThat(ads.get("deals").asLong()).isEqualTo(1);
        assertThat(ads.get("won").asLong()).isZero();
        assertThat(decimal(ads, "conversion")).isEqualByComparingTo("0");
        var none = row(sources, Map.of("source", "(none)"));
        assertThat(none.get("leads").asLong()).isZero();
        assertThat(none.get("deals").asLong()).isEqualTo(1);
        assertThat(none.get("conversion").isNull()).isTrue();
    }

    static void assertActivity(JsonNode activity) {
        assertThat(values(activity, "userId")).containsExactly("m1", "m2", "m3");
        assertRep(activity, "m1", 2, 2, 1, 2, 1, "0.5", 2, 2_400);
        assertRep(activity, "m2", 1, 2, 2, 1, 1, "1", 1, 86_400);
        assertRep(activity, "m3", 1, 2, 1, 1, 0, "0", 1, 600);
    }

    static void assertRep(
            JsonNode activity,
            String rep,
            long calls,
            long interactions,
            long tasksCompleted,
            long tasksDue,
            long tasksOverdue,
            String overdueRate,
            long leadsResponded,
            double averageFirstResponseSeconds) {
        var row = row(activity, Map.of("userId", rep));
        assertThat(row.get("calls").asLong()).as("calls of %s", rep).isEqualTo(calls);
        assertThat(row.get("interactions").asLong())
                .as("interactions of %s", rep)
                .isEqualTo(interactions);
        assertThat(row.get("tasksCompleted").asLong())
                .as("tasks completed by %s", rep)
                .isEqualTo(tasksCompleted);
        assertThat(row.get("tasksDue").asLong()).as("tasks due of %s", rep).isEqualTo(tasksDue);
        assertThat(row.get("tasksOverdue").asLong())
                .as("overdue tasks of %s", rep)
                .isEqualTo(tasksOverdue);
        assertThat(decimal(row, "overdueRate")).as("overdue rate of %s", rep).isEqualByComparingTo(overdueRate);
        assertThat(row.get("leadsResponded").asLong())
                .as("leads answered by %s", rep)
                .isEqualTo(leadsResponded);
        assertThat(row.get("averageFirstResponseSeconds").asDouble())
                .as("first response of %s", rep)
                .isEqualTo(averageFirstResponseSeconds);
    }

    static void assertAppeals(JsonNode appeals) {
        assertThat(values(appeals, "topic")).containsExactly("delivery", "pricing");
        assertThat(row(appeals, Map.of("topic", "delivery")).get("appeals").asLong())
                .isEqualTo(2);
        assertThat(row(appeals, Map.of("topic", "pricing")).get("appeals").asLong())
                .isEqualTo(1);
    }

    /** The end of 5 March: D1 in approval, D2 and D3 in measure (D3 still at 2000), D4 not yet opened. */
    static void assertPipelineOnMarch5(JsonNode pipeline) {
        assertThat(values(pipeline, "stage")).containsExactly("measure", "approval");
        var measure = row(pipeline, Map.of("stage", "measure"));
        assertThat(measure.get("deals").asLong()).isEqualTo(2);
        assertThat(measure.get("value").get("EUR").decimalValue()).isEqualByComparingTo("2500.00");
        assertThat(measure.get("weightedForecast").get("EUR").decimalValue()).isEqualByComparingTo("1000.00");
        var approval = row(pipeline, Map.of("stage", "approval"));
        assertThat(approval.get("deals").asLong()).isEqualTo(1);
        assertThat(approval.get("weightedForecast").get("EUR").decimalValue()).isEqualByComparingTo("700.00");
    }

    private static BigDecimal decimal(JsonNode row, String field) {
        return row.get(field).decimalValue();
    }
}
