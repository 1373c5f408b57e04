package org.opencrm.analytics.query;

import static org.opencrm.analytics.query.FunnelReport.nullable;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Deals closed per period (won and lost, by the time they closed) and the open pipeline now. Amounts are per
 * currency: amounts in different currencies are never added up.
 *
 * @param open the deals open right now in the caller's scope, whatever the period; in CSV its figures
 *     repeat on every row as {@code open*} columns
 */
record DealsReport(String from, String to, String timeZone, String granularity, List<Row> rows, Open open)
        implements CsvTable {

    /**
     * @param winRate {@code won / (won + lost)}
     * @param averageSalesCycleDays average time from a won deal's creation to its win
     */
    record Row(
            String period,
            long won,
            long lost,
            BigDecimal winRate,
            Map<String, BigDecimal> wonAmount,
            Map<String, BigDecimal> lostAmount,
            BigDecimal averageSalesCycleDays) {}

    /**
     * @param value the sum of the open deals' amounts
     * @param weightedForecast the sum of each open deal's amount times its stage's win probability
     */
    record Open(long deals, Map<String, BigDecimal> value, Map<String, BigDecimal> weightedForecast) {}

    @Override
    public List<String> csvHeader() {
        var currencies = currencies();
        List<String> header = new ArrayList<>(List.of("period", "won", "lost", "winRate", "averageSalesCycleDays"));
        header.addAll(CsvTable.currencyColumns("wonAmount", currencies));
        header.addAll(CsvTable.currencyColumns("lostAmount", currencies));
        header.add("openDeals");
        header.addAll(CsvTable.currencyColumns("openValue", currencies));
        header.addAll(CsvTable.currencyColumns("weightedForecast", currencies));
        return header;
    }

    @Override
    public List<List<Object>> csvRows() {
        var currencies = currencies();
        return rows.stream()
                .map(r -> {
                    List<Object> values = new ArrayList<>(List.of(
                            r.period(), r.won(), r.lost(), nullable(r.winRate()), nullable(r.averageSalesCycleDays())));
                    values.addAll(CsvTable.currencyValues(r.wonAmount(), currencies));
                    values.addAll(CsvTable.currencyValues(r.lostAmount(), currencies));
                    values.add(open.deals());
                    values.addAll(CsvTable.currencyValues(open.value(), currencies));
                    values.addAll(CsvTable.currencyValues(open.weightedForecast(), currencies));
                    return values;
                })
                .toList();
    }

    private List<String> currencies() {
        var currencies = new java.util.TreeSet<>(CsvTable.currencies(rows, List.of(Row::wonAmount, Row::lostAmount)));
        currencies.addAll(open.value().keySet());
        return new ArrayList<>(currencies);
    }
}
