package org.opencrm.analytics.query;

import static org.opencrm.analytics.query.FunnelReport.nullable;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Per lead source and period: leads received, deals opened, of those won, their revenue, conversions. */
record SourcesReport(String from, String to, String timeZone, String granularity, List<Row> rows) implements CsvTable {

    /** The source label of leads and deals that name none. */
    static final String NO_SOURCE = "(none)";

    /**
     * @param leads leads received from the source in the period
     * @param deals deals of the source opened in the period
     * @param won of those deals, the ones won (now)
     * @param revenue the won amount of those deals, per currency
     * @param leadToDeal {@code deals / leads}
     * @param conversion lead to purchase: {@code won / leads}
     */
    record Row(
            String period,
            String source,
            long leads,
            long deals,
            long won,
            Map<String, BigDecimal> revenue,
            BigDecimal leadToDeal,
            BigDecimal conversion) {}

    @Override
    public List<String> csvHeader() {
        List<String> header =
                new ArrayList<>(List.of("period", "source", "leads", "deals", "won", "leadToDeal", "conversion"));
        header.addAll(CsvTable.currencyColumns("revenue", CsvTable.currencies(rows, List.of(Row::revenue))));
        return header;
    }

    @Override
    public List<List<Object>> csvRows() {
        var currencies = CsvTable.currencies(rows, List.of(Row::revenue));
        return rows.stream()
                .map(r -> {
                    List<Object> values = new ArrayList<>(List.of(
                            r.period(),
                            r.source(),
                            r.leads(),
                            r.deals(),
                            r.won(),
                            nullable(r.leadToDeal()),
                            nullable(r.conversion())));
                    values.addAll(CsvTable.currencyValues(r.revenue(), currencies));
                    return values;
                })
                .toList();
    }
}
