package org.opencrm.contacts.card;

import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/** A tenant's custom field; {@code _id} is {@code tenant|key}, so a key exists once per tenant. */
@Document("custom_fields")
record CustomFieldDefinition(
        @Id String id,
        String tenantId,
        String key,
        String label,
        CustomFieldType type,
        boolean required,
        List<String> options) {

    static String idOf(String tenantId, String key) {
        return tenantId + "|" + key;
    }
}
