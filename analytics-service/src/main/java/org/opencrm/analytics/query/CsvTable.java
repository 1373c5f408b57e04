package org.opencrm.analytics.query;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A report that can also be written as CSV ({@code Accept: text/csv}): a header and rows of plain values.
 * Amounts per currency become one column per currency, e.g. {@code wonAmount.EUR}.
 */
interface CsvTable {

    List<String> csvHeader();

    List<List<Object>> csvRows();

    /** The currencies appearing in any of the rows' amount maps, sorted. */
    static <R> List<String> currencies(Collection<R> rows, List<Function<R, Map<String, BigDecimal>>> amounts) {
        var currencies = new TreeSet<String>();
        for (R row : rows) {
            amounts.forEach(amount -> currencies.addAll(amount.apply(row).keySet()));
        }
        return new ArrayList<>(currencies);
    }

    static List<String> currencyColumns(String name, List<String> currencies) {
        return currencies.stream().map(currency -> name + "." + currency).toList();
    }

    static List<Object> currencyValues(Map<String, BigDecimal> amounts, List<String> currencies) {
        return currencies.stream()
                .map(currency -> (Object) amounts.get(currency))
                .toList();
    }
}
