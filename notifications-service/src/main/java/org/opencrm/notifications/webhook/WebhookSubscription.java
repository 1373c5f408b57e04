package org.opencrm.notifications.webhook;

import java.net.URI;
import java.time.Instant;
import java.util.Set;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A tenant's outbound webhook: events of {@code eventTypes} are POSTed to {@code url}, signed with
 * {@code secret}. {@code consecutiveFailures} counts failed attempts in a row; at the configured limit the
 * subscription is disabled until an administrator enables it again.
 */
@Document(WebhookSubscription.COLLECTION)
record WebhookSubscription(
        @Id String id,
        String tenantId,
        URI url,
        Set<String> eventTypes,
        String secret,
        boolean enabled,
        String disabledReason,
        int consecutiveFailures,
        String createdBy,
        Instant createdAt) {

    static final String COLLECTION = "webhooks";
}
