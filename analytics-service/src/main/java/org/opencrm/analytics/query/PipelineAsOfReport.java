package org.opencrm.analytics.query;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Where the deals stood at the end of {@code date} in the caller's time zone: per stage, how many deals and
 * which amounts, with owner and department as they were then.
 */
record PipelineAsOfReport(String date, String timeZone, List<Row> rows) implements CsvTable {

    /**
     * @param value the deals' amounts at that time, per currency
     * @param weightedForecast amounts times the stage's win probability at that time
     */
    record Row(
            String pipelineId,
            String stage,
            String stageKind,
            int position,
            long deals,
            Map<String, BigDecimal> value,
            Map<String, BigDecimal> weightedForecast) {}

    @Override
    public List<String> csvHeader() {
        var currencies = currencies();
        List<String> header = new ArrayList<>(List.of("date", "pipelineId", "stage", "stageKind", "position", "deals"));
        header.addAll(CsvTable.currencyColumns("value", currencies));
        header.addAll(CsvTable.currencyColumns("weightedForecast", currencies));
        return header;
    }

    @Override
    public List<List<Object>> csvRows() {
        var currencies = currencies();
        return rows.stream()
                .map(r -> {
                    List<Object> values = new ArrayList<>(
                            List.of(date, r.pipelineId(), r.stage(), r.stageKind(), r.position(), r.deals()));
                    values.addAll(CsvTable.currencyValues(r.value(), currencies));
                    values.addAll(CsvTable.currencyValues(r.weightedForecast(), currencies));
                    return values;
                })
                .toList();
    }

    private List<String> currencies() {
        return new ArrayList<>(new TreeSet<>(CsvTable.currencies(rows, List.of(Row::value))));
    }
}
