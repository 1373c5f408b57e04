package org.opencrm.events;

import java.math.BigDecimal;

/**
 * An amount with its currency. Decimal, never floating point, so sums built by consumers (pipeline
 * value, revenue) match the producer's totals to the minor unit; the currency travels with every amount
 * because a tenant may sell in several and no consumer may assume one.
 *
 * @param amount exact decimal amount, serialised as a JSON number
 * @param currency ISO 4217 code, e.g. {@code EUR}
 */
public record Money(@Required BigDecimal amount, @Required String currency) {

    public static Money of(String amount, String currency) {
        return new Money(new BigDecimal(amount), currency);
    }
}
