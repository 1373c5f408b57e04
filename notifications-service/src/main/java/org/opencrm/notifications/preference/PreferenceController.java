package org.opencrm.notifications.preference;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;
import java.util.Set;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.platform.security.CurrentUser;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The caller's own preferences; nobody edits another user's. */
@RestController
@RequestMapping("/api/notifications/preferences")
class PreferenceController {

    private final PreferenceStore store;

    PreferenceController(PreferenceStore store) {
        this.store = store;
    }

    record PreferencesView(
            Map<String, Set<NotificationChannel>> channels, QuietHours quietHours, Set<DigestPeriod> digests) {
        static PreferencesView of(Preferences p) {
            return new PreferencesView(p.channels(), p.quietHours(), p.digests());
        }
    }

    /** Topics are map keys stored as field names, hence the strict pattern. */
    record PreferencesRequest(
            @NotNull @Size(max = 50) Map<@Pattern(regexp = "[A-Za-z]{1,64}") String, @NotNull Set<@NotNull NotificationChannel>> channels,

            @Valid QuietHours quietHours,
            @NotNull Set<@NotNull DigestPeriod> digests) {}

    @GetMapping
    PreferencesView get(CurrentUser user) {
        return PreferencesView.of(store.of(user.tenantId(), user.userId()));
    }

    @PutMapping
    PreferencesView put(@Valid @RequestBody PreferencesRequest request, CurrentUser user) {
        return PreferencesView.of(store.save(new Preferences(
                Preferences.idOf(user.tenantId(), user.userId()),
                user.tenantId(),
                user.userId(),
                request.channels(),
                request.quietHours(),
                request.digests())));
    }
}
