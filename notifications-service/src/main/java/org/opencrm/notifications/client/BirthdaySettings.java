package org.opencrm.notifications.client;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.opencrm.events.notifications.NotificationChannel;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A tenant's birthday greetings: off until an administrator turns them on (a greeting is a marketing
 * message), the channels, the local time they go out and the zone that decides which day it is.
 *
 * @param language the template language of the greetings ({@code en}, {@code ru}); the cards carry none
 */
@Document(BirthdaySettings.COLLECTION)
record BirthdaySettings(
        @Id String tenantId,
        boolean enabled,
        List<NotificationChannel> channels,
        LocalTime sendAt,
        String timeZone,
        String language,
        String updatedBy,
        Instant updatedAt) {

    static final String COLLECTION = "birthday_settings";

    static BirthdaySettings defaults(String tenantId, ZoneId zone, String language) {
        return new BirthdaySettings(
                tenantId,
                false,
                List.of(NotificationChannel.EMAIL),
                LocalTime.of(9, 0),
                zone.getId(),
                language,
                null,
                null);
    }

    ZoneId zone() {
        return ZoneId.of(timeZone);
    }
}
