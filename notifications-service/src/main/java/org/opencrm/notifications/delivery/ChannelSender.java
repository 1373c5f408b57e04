package org.opencrm.notifications.delivery;

import org.opencrm.events.notifications.NotificationChannel;

/** One way out: SMTP, the SMS provider, the in-app store, a webhook receiver. */
public interface ChannelSender {

    NotificationChannel channel();

    /**
     * The circuit breaker guarding this delivery's target. One per channel by default; webhooks have one per
     * subscription so one dead receiver does not stop the others.
     */
    default String breakerName(Delivery delivery) {
        return channel().name();
    }

    /**
     * Sends the delivery. Returns normally when the channel accepted it.
     *
     * @return the receiver's HTTP status where there is one, else null
     * @throws SendFailure when it was not accepted
     */
    Integer send(Delivery delivery) throws SendFailure;

    /** Called after every try, e.g. to count a webhook's failures in a row. */
    default void afterAttempt(Delivery delivery, boolean success) {}

    /** Whether this delivery must fail without a try (a disabled webhook); the reason code, or null. */
    default String refuse(Delivery delivery) {
        return null;
    }
}
