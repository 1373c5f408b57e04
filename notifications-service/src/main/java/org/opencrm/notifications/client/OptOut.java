package org.opencrm.notifications.client;

import java.time.Instant;
import org.opencrm.events.Actor;
import org.opencrm.events.notifications.ClientUnsubscribed;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.platform.consumer.EventIds;
import org.opencrm.platform.outbox.AggregateRoot;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A client's withdrawal of marketing consent for one channel, made through an unsubscribe link. Its id is
 * derived from tenant, contact and channel, so a second click finds it and records nothing; created, it
 * records {@code ClientUnsubscribed} in its outbox, which tells contacts-service to withdraw the card's
 * consent. It is also what blocks later campaigns here, so the block and the event are one write.
 */
@Document(OptOut.COLLECTION)
class OptOut extends AggregateRoot {

    static final String COLLECTION = "client_opt_outs";
    private static final Actor ACTOR = Actor.system("unsubscribe-link");

    private String contactId;
    private NotificationChannel channel;
    private Instant at;

    protected OptOut() {}

    private OptOut(String id, String tenantId) {
        super(id, tenantId);
    }

    static String idOf(String tenantId, String contactId, NotificationChannel channel) {
        return EventIds.derive("unsubscribe:" + tenantId + ":" + contactId, channel.name());
    }

    static OptOut create(String tenantId, String contactId, NotificationChannel channel, Instant now) {
        var optOut = new OptOut(idOf(tenantId, contactId, channel), tenantId);
        optOut.contactId = contactId;
        optOut.channel = channel;
        optOut.at = now;
        var e = optOut.nextEvent(ACTOR, now);
        optOut.record(new ClientUnsubscribed(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                contactId,
                channel));
        return optOut;
    }
}
