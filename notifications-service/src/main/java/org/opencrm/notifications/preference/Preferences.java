package org.opencrm.notifications.preference;

import java.util.Map;
import java.util.Set;
import org.opencrm.events.notifications.NotificationChannel;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One user's choices; {@code _id} is {@code tenant:user}.
 *
 * @param channels per topic (e.g. {@code TaskCreated}), the channels the user wants; a topic not listed
 *     keeps the tenant's routing
 * @param quietHours null for none
 * @param digests the task reports the user receives
 */
@Document("preferences")
public record Preferences(
        @Id String id,
        String tenantId,
        String userId,
        Map<String, Set<NotificationChannel>> channels,
        QuietHours quietHours,
        Set<DigestPeriod> digests) {

    /** What a user who never chose anything gets: every routed channel, no quiet hours, a daily digest. */
    public static Preferences defaults(String tenantId, String userId) {
        return new Preferences(idOf(tenantId, userId), tenantId, userId, Map.of(), null, Set.of(DigestPeriod.DAILY));
    }

    public boolean wants(String topic, NotificationChannel channel) {
        var chosen = channels == null ? null : channels.get(topic);
        return chosen == null || chosen.contains(channel);
    }

    public static String idOf(String tenantId, String userId) {
        return tenantId + ":" + userId;
    }
}
