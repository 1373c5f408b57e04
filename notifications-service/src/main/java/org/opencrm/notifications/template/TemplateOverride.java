package org.opencrm.notifications.template;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/** A tenant's own wording for one topic, channel and language; {@code _id} is {@code tenant:topic:channel:language}. */
@Document("template_overrides")
record TemplateOverride(
        @Id String id,
        String tenantId,
        String topic,
        String channel,
        String language,
        String subject,
        String body,
        String updatedBy,
        Instant updatedAt) {

    static String idOf(String tenantId, String topic, String channel, String language) {
        return tenantId + ":" + topic + ":" + channel + ":" + language;
    }
}
