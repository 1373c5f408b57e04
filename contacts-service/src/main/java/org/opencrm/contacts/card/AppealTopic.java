package org.opencrm.contacts.card;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/** A topic of the tenant's appeal taxonomy; {@code _id} is {@code tenant|key}. Retired topics stay for history. */
@Document("appeal_topics")
record AppealTopic(@Id String id, String tenantId, String key, String label, boolean active) {

    static String idOf(String tenantId, String key) {
        return tenantId + "|" + key;
    }
}
