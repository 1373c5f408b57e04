package org.opencrm.deals.deal;

import java.math.BigDecimal;

/**
 * One position of a deal's quote, with its computed amounts in the deal's currency.
 *
 * @param discountPercent 0-100, applied to quantity x unit price
 * @param taxPercent applied to the discounted amount
 * @param net quantity x unit price minus the discount, in minor units
 * @param total net plus tax
 */
public record LineItem(
        String productCode,
        String name,
        BigDecimal quantity,
        String unit,
        BigDecimal unitPrice,
        BigDecimal discountPercent,
        BigDecimal taxPercent,
        BigDecimal net,
        BigDecimal tax,
        BigDecimal total) {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    static LineItem priced(
            String productCode,
            String name,
            BigDecimal quantity,
            String unit,
            BigDecimal unitPrice,
            BigDecimal discountPercent,
            BigDecimal taxPercent,
            String currency) {
        var discount = discountPercent == null ? BigDecimal.ZERO : discountPercent;
        var taxRate = taxPercent == null ? BigDecimal.ZERO : taxPercent;
        var gross = Amounts.round(quantity.multiply(unitPrice), currency);
        var net = gross.subtract(Amounts.round(gross.multiply(discount).divide(HUNDRED), currency));
        var tax = Amounts.round(net.multiply(taxRate).divide(HUNDRED), currency);
        return new LineItem(productCode, name, quantity, unit, unitPrice, discount, taxRate, net, tax, net.add(tax));
    }
}
