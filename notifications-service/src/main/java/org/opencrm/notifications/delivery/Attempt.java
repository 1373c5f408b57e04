package org.opencrm.notifications.delivery;

import java.time.Instant;

/**
 * One try of a delivery, kept on the delivery as its log.
 *
 * @param outcome {@code SENT} or a failure code ({@code HTTP_500}, {@code TIMEOUT}, {@code SMTP_UNAVAILABLE})
 * @param httpStatus the receiver's status for SMS and webhooks; null otherwise
 */
public record Attempt(Instant at, String outcome, Integer httpStatus, long durationMillis) {}
