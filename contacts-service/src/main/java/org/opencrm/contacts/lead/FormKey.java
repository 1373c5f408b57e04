package org.opencrm.contacts.lead;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A website form's key. Only the SHA-256 of the key is stored, as {@code _id}: a form post is one
 * {@code _id} read, and a leaked database does not leak usable keys. The key itself is shown once, when
 * it is created.
 *
 * @param keyId the id administrators list and revoke the key by
 * @param prefix the key's first characters, so an administrator recognises which key a form uses
 * @param formId, source, departmentId what leads posted with this key default to
 */
@Document("lead_form_keys")
record FormKey(
        @Id String hash,
        String keyId,
        String tenantId,
        String name,
        String prefix,
        String formId,
        String source,
        String departmentId,
        Instant createdAt,
        String createdBy) {}
