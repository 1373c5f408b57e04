package org.opencrm.analytics.query;

import java.math.BigDecimal;
import java.util.List;

/**
 * Per stage and period: deals that entered the stage during the period, and what has become of them since
 * (moved forward from it, lost from it, won), plus how long deals stayed in the stage when they left it
 * during the period.
 */
record FunnelReport(String from, String to, String timeZone, String granularity, List<Row> rows) implements CsvTable {

    /**
     * @param entered deals that entered the stage during the period (a deal counts once per stage and row)
     * @param movedForward of those, deals that have since moved from this stage to a later stage or to won
     * @param lost of those, deals lost from this stage and still lost
     * @param won of those, deals won (now)
     * @param conversionToNext {@code movedForward / entered}
     * @param conversionToWon {@code won / entered}
     * @param exits moves out of the stage during the period, which the times in stage are measured on
     */
    record Row(
            String period,
            String pipelineId,
            String stage,
            String stageKind,
            int position,
            long entered,
            long movedForward,
            long lost,
            long won,
            BigDecimal conversionToNext,
            BigDecimal conversionToWon,
            long exits,
            Double averageSecondsInStage,
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
