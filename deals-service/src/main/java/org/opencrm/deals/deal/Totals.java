package org.opencrm.deals.deal;

import java.math.BigDecimal;
import java.util.List;

/** Sums of a deal's line items; each line is already rounded, so the sums are exact. */
public record Totals(BigDecimal net, BigDecimal tax, BigDecimal total, String currency) {

    public static Totals of(List<LineItem> items, String currency) {
        var zero = Amounts.round(BigDecimal.ZERO, currency);
        var net = items.stream().map(LineItem::net).reduce(zero, BigDecimal::add);
        var tax = items.stream().map(LineItem::tax).reduce(zero, BigDecimal::add);
        return new Totals(net, tax, net.add(tax), currency);
    }
}
