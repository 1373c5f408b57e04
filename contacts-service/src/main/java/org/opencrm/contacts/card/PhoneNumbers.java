package org.opencrm.contacts.card;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.opencrm.contacts.settings.TenantRegions;
import org.springframework.stereotype.Component;

/**
 * Phone numbers in any format to E.164, read in the tenant's default region when they carry no country
 * code: {@code 8 (495) 123-45-67}, {@code +7 495 1234567} and {@code 74951234567} are one number.
 */
@Component
class PhoneNumbers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private final TenantRegions regions;

    PhoneNumbers(TenantRegions regions) {
        this.regions = regions;
    }

    /** The E.164 form, or empty when the text is not a valid number. */
    Optional<String> e164(String tenantId, String text) {
        if (text == null || text.isBlank() || text.length() > 40) {
            return Optional.empty();
        }
        String region = regions.regionOf(tenantId);
        try {
            var number = UTIL.parse(text.trim(), region);
            if (!UTIL.isValidNumber(number)) {
                // "74951234567" typed without + in a region whose numbers start differently: try it as international.
                String digits = text.replaceAll("\\D", "");
                if (!text.trim().startsWith("+") && digits.length() >= 8) {
                    var international = UTIL.parse("+" + digits, region);
                    if (UTIL.isValidNumber(international)) {
                        return Optional.of(UTIL.format(international, PhoneNumberFormat.E164));
                    }
                }
                return Optional.empty();
            }
            return Optional.of(UTIL.format(number, PhoneNumberFormat.E164));
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /**
     * Digit strings a prefix search should find the number by: international ({@code 7495...}), national
     * with trunk prefix ({@code 8495...}) and the national significant number ({@code 495...}).
     */
    static Set<String> searchDigits(String e164) {
        var result = new LinkedHashSet<String>();
        result.add(e164.replaceAll("\\D", ""));
        try {
            var number = UTIL.parse(e164, null);
            result.add(UTIL.format(number, PhoneNumberFormat.NATIONAL).replaceAll("\\D", ""));
            result.add(UTIL.getNationalSignificantNumber(number));
        } catch (NumberParseException e) {
            // Stored numbers are E.164 already; the international digits above are enough.
        }
        return result;
    }

    /** Whether a search text looks like (part of) a phone number rather than a name. */
    static boolean looksLikePhone(String text) {
        return text.matches("[+()\\-.\\s\\d]+") && text.replaceAll("\\D", "").length() >= 3;
    }
}
