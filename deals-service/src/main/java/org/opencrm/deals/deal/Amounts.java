package org.opencrm.deals.deal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import org.opencrm.platform.web.InvalidRequestException;

/**
 * Money rules: an ISO 4217 currency and an exact decimal with at most the currency's minor units (2 for
 * EUR, 0 for JPY, 3 for KWD). Input with more decimals is refused rather than rounded, so what a client
 * sends is what is stored.
 */
public final class Amounts {

    private Amounts() {}

    public static Currency currency(String code, String field) {
        try {
            if (code == null || !code.equals(code.toUpperCase())) {
                throw new IllegalArgumentException();
            }
            return Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(field, "must be an ISO 4217 currency code");
        }
    }

    public static int minorUnits(String code) {
        return Math.max(0, currency(code, "currency").getDefaultFractionDigits());
    }

    /** The amount at the currency's scale; 400 when it is negative or has more decimals than the currency. */
    public static BigDecimal exact(BigDecimal amount, String currencyCode, String field) {
        int scale = Math.max(0, currency(currencyCode, field + ".currency").getDefaultFractionDigits());
        if (amount.signum() < 0) {
            throw new InvalidRequestException(field + ".amount", "must not be negative");
        }
        if (amount.stripTrailingZeros().scale() > scale) {
            throw new InvalidRequestException(
                    field + ".amount", "has more decimals than " + currencyCode + " allows (" + scale + ")");
        }
        return amount.setScale(scale, RoundingMode.UNNECESSARY);
    }

    /** Rounds a computed amount (a discount, a tax) to the currency's minor units, half up as on paper. */
    public static BigDecimal round(BigDecimal value, String currencyCode) {
        return value.setScale(minorUnits(currencyCode), RoundingMode.HALF_UP);
    }
}
