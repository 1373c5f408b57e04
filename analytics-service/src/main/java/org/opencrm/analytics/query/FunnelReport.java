package org.opencrm.analytics.query;

import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.util.List;

/**
 * Per stage and period: deals whose first entry into the stage falls in the period, and what has become of them
 * since (moved forward from it, lost from it, won), plus how long deals stayed in the stage when they left it
 * during the period.
 */
record FunnelReport(String from, String to, String timeZone, String granularity, List<Row> rows) implements CsvTable {

    /**
     * @param entered deals whose first entry into the stage (created in it, or first moved into it) falls in the
     *     period; a deal that leaves and re-enters the stage is not counted again
     * @param movedForward of those, deals that have since moved from this stage to a later stage or to won
     * @param lost of those, deals lost from this stage and still lost
     * @param won of those, deals won (now)
     * @param conversionToNext {@code movedForward / entered}
     * @param conversionToWon {@code won / entered}
     * @param exits moves out of the stage during the period, which the times in stage are measured on
     * @param averageSecondsInStage the exact mean of the exits' times in the stage
     * @param medianSecondsInStage the median of the exits' times in the stage, each kept to 3 significant digits
     *     as the activity report's first responses: exact below 4,096 s, above at most 0.05% off
     */
    record Row(
            String period,
            String pipelineId,
            String stage,
            String stageKind,
            int position,

            @Schema(
                    description = "deals whose first entry into the stage (created in it, or first moved"
                            + " into it) falls in the period; a deal re-entering the stage is not counted"
                            + " again")
            long entered,

            long movedForward,
            long lost,
            long won,
            BigDecimal conversionToNext,
            BigDecimal conversionToWon,

            @Schema(description = "moves out of the stage during the period")
            long exits,

            @Schema(description = "exact mean of the exits' seconds in the stage")
            Double averageSecondsInStage,

            @Schema(
                    description = "median of the exits' seconds in the stage, each duration kept to 3"
                            + " significant digits: exact below 4,096 s, above at most 0.05% off")
            Double medianSecondsInStage) {}

    @Override
    public List<String> csvHeader() {
        return List.of(
                "period",
                "pipelineId",
                "stage",
                "stageKind",
                "position",
                "entered",
                "movedForward",
                "lost",
                "won",
                "conversionToNext",
                "conversionToWon",
                "exits",
                "averageSecondsInStage",
                "medianSecondsInStage");
    }

    @Override
    public List<List<Object>> csvRows() {
        return rows.stream()
                .map(r -> List.<Object>of(
                        r.period(),
                        r.pipelineId(),
                        r.stage(),
                        nullable(r.stageKind()),
                        r.position(),
                        r.entered(),
                        r.movedForward(),
                        r.lost(),
                        r.won(),
                        nullable(r.conversionToNext()),
                        nullable(r.conversionToWon()),
                        r.exits(),
                        nullable(r.averageSecondsInStage()),
                        nullable(r.medianSecondsInStage())))
                .toList();
    }

    /** List.of refuses nulls; an empty string is CSV's empty field. */
    static Object nullable(Object value) {
        return value == null ? "" : value;
    }
}
