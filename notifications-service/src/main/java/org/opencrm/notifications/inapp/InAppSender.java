package org.opencrm.notifications.inapp;

import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.notifications.delivery.ChannelSender;
import org.opencrm.notifications.delivery.Delivery;
import org.springframework.stereotype.Component;

/** In-app: "sent" means stored in the user's list; open streams pick it up from there. */
@Component
class InAppSender implements ChannelSender {

    private final InAppStore store;
    private final StreamHub hub;

    InAppSender(InAppStore store, StreamHub hub) {
        this.store = store;
        this.hub = hub;
    }

    @Override
    public NotificationChannel channel() {
        return NotificationChannel.IN_APP;
    }

    @Override
    public Integer send(Delivery delivery) {
        store.store(
                delivery.getId(),
                delivery.getTenantId(),
                delivery.recipientId(),
                delivery.topic(),
                delivery.sourceEventId(),
                delivery.subject(),
                delivery.body(),
                delivery.createdAt());
        hub.nudge(delivery.getTenantId(), delivery.recipientId());
        return null;
    }
}
