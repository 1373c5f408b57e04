package org.opencrm.contacts.birthday;

import io.swagger.v3.oas.annotations.Hidden;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;
import org.opencrm.platform.web.InvalidRequestException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * For notifications-service's daily birthday greetings, which run without a user: a service token with the
 * scope {@value ServiceCallSecurity#BIRTHDAYS_SCOPE} (see {@link ServiceCallSecurity}) names the tenant
 * explicitly. The answer is only what a greeting needs: name, first address of each channel and consent.
 * Not part of the public API document: the gateway does not route {@code /internal}.
 */
@Hidden
@RestController
class BirthdayController {

    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
    private static final int MAX_SIZE = 1000;

    record BirthdayPage(String tenantId, LocalDate date, List<Birthdays.Member> items, String next) {}

    private final Birthdays birthdays;

    BirthdayController(Birthdays birthdays) {
        this.birthdays = birthdays;
    }

    @GetMapping("/internal/contacts/birthdays")
    BirthdayPage birthdays(
            @RequestParam String tenant,
            @RequestParam String date,
            @RequestParam(required = false) String after,
            @RequestParam(required = false) Integer size,
            @AuthenticationPrincipal Jwt token) {
        if (!TENANT.matcher(tenant).matches()) {
            throw new InvalidRequestException("tenant", "must be a tenant id");
        }
        // a token bound to one tenant (the local identity app's tokens carry one) reads only that tenant
        Object bound = token.getClaims().get("tenant");
        if (bound != null && !tenant.equals(bound.toString())) {
            throw new AccessDeniedException("the token is bound to another tenant");
        }
        LocalDate day;
        try {
            day = LocalDate.parse(date);
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("date", "must be a date (yyyy-MM-dd)");
        }
        int limit = size == null ? 200 : size;
        if (limit < 1 || limit > MAX_SIZE) {
            throw new InvalidRequestException("size", "must be between 1 and " + MAX_SIZE);
        }
        var items = birthdays.on(tenant, day, after, limit);
        return new BirthdayPage(
                tenant, day, items, items.size() == limit ? items.getLast().id() : null);
    }
}
