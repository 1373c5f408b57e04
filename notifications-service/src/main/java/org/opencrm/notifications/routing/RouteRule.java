package org.opencrm.notifications.routing;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.Set;
import org.opencrm.events.notifications.NotificationChannel;

/** Send the topic's notification to {@code audience} over {@code channels} (not WEBHOOK: see /api/webhooks). */
public record RouteRule(
        @NotNull Audience audience, @NotEmpty Set<@NotNull NotificationChannel> channels) {}
