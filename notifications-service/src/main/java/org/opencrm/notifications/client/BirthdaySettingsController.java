package org.opencrm.notifications.client;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.notifications.NotificationsProperties;
import org.opencrm.notifications.template.Templates;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.FieldViolation;
import org.opencrm.platform.web.InvalidRequestException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** A tenant's birthday greetings: on or off, channels, send time and zone (administrators). */
@RestController
class BirthdaySettingsController {

    private static final String PATH = "/api/notifications/birthdays/settings";

    /**
     * @param sendAt local time {@code HH:mm} in {@code timeZone} from which the day's greetings go out
     * @param timeZone IANA zone that decides which day it is, e.g. {@code Europe/Moscow}
     */
    record BirthdaySettingsRequest(
            @NotNull Boolean enabled,
            @NotNull @Size(max = 4) List<@NotNull NotificationChannel> channels,
            @NotNull @Pattern(regexp = "\\d{2}:\\d{2}") String sendAt,
            @NotBlank @Size(max = 64) String timeZone,
            @Pattern(regexp = "en|ru") String language) {}

    record BirthdaySettingsView(
            boolean enabled, List<NotificationChannel> channels, String sendAt, String timeZone, String language) {

        static BirthdaySettingsView of(BirthdaySettings s) {
            return new BirthdaySettingsView(
                    s.enabled(), s.channels(), s.sendAt().toString(), s.timeZone(), s.language());
        }
    }

    private final MongoTemplate mongo;
    private final Clock clock;
    private final NotificationsProperties properties;
    private final Templates templates;

    BirthdaySettingsController(
            MongoTemplate mongo, Clock clock, NotificationsProperties properties, Templates templates) {
        this.mongo = mongo;
        this.clock = clock;
        this.properties = properties;
        this.templates = templates;
    }

    @GetMapping(PATH)
    @PreAuthorize("hasRole('ADMIN')")
    BirthdaySettingsView get(CurrentUser user) {
        return BirthdaySettingsView.of(settingsOf(user.tenantId()));
    }

    @PutMapping(PATH)
    @PreAuthorize("hasRole('ADMIN')")
    BirthdaySettingsView put(@Valid @RequestBody BirthdaySettingsRequest request, CurrentUser user) {
        var violations = new ArrayList<FieldViolation>();
        var channels = new LinkedHashSet<>(request.channels());
        if (channels.stream().anyMatch(c -> c != NotificationChannel.EMAIL && c != NotificationChannel.SMS)) {
            violations.add(new FieldViolation("channels", "must be EMAIL or SMS: greetings go to clients"));
        }
        if (request.enabled() && channels.isEmpty()) {
            violations.add(new FieldViolation("channels", "must name at least one channel when enabled"));
        }
        LocalTime sendAt = null;
        try {
            sendAt = LocalTime.parse(request.sendAt());
        } catch (DateTimeParseException e) {
            violations.add(new FieldViolation("sendAt", "must be a time of day HH:mm"));
        }
        try {
            ZoneId.of(request.timeZone());
        } catch (DateTimeException e) {
            violations.add(new FieldViolation("timeZone", "must be an IANA time zone such as Europe/Moscow"));
        }
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        var saved = mongo.save(new BirthdaySettings(
                user.tenantId(),
                request.enabled(),
                List.copyOf(channels),
                sendAt,
                request.timeZone(),
                request.language() != null ? request.language() : templates.language(null),
                user.userId(),
                clock.instant()));
        return BirthdaySettingsView.of(saved);
    }

    private BirthdaySettings settingsOf(String tenantId) {
        var stored = mongo.findById(tenantId, BirthdaySettings.class);
        return stored != null
                ? stored
                : BirthdaySettings.defaults(tenantId, properties.defaultTimeZone(), templates.language(null));
    }
}
