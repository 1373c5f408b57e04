package org.opencrm.contacts.card;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencrm.events.Topics;
import org.opencrm.events.notifications.ClientUnsubscribed;
import org.opencrm.platform.events.EventRecords;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Withdraws a card's marketing consent when the client unsubscribes from a message of notifications-service
 * ({@code ClientUnsubscribed}), so the card shows it and segments filtered on consent leave the client out.
 * Idempotent by the card's own state: a consent already withdrawn, or granted again after the click, is left
 * alone, so a redelivery, a replay or a second instance changes nothing. A card merged away passes the
 * withdrawal on to the card it was merged into; an unknown, other tenant's or erased card is ignored.
 */
@Component
class ConsentWithdrawals {

    /** A survivor can itself have been merged later; the chain is short, the bound only guards a cycle. */
    private static final int MAX_MERGE_HOPS = 10;

    private final ContactStore store;

    ConsentWithdrawals(ContactStore store) {
        this.store = store;
    }

    @KafkaListener(topics = Topics.NOTIFICATIONS, groupId = "contacts-service")
    void onNotification(ConsumerRecord<String, String> record) {
        EventRecords.decode(record).ifPresent(event -> {
            if (event instanceof ClientUnsubscribed unsubscribed) {
                withdraw(unsubscribed);
            }
        });
    }

    void withdraw(ClientUnsubscribed event) {
        Contact contact = store.find(event.contactId());
        for (int hop = 0; contact != null && contact.mergedInto() != null && hop < MAX_MERGE_HOPS; hop++) {
            contact = store.find(contact.mergedInto());
        }
        if (contact == null || !event.tenantId().equals(contact.getTenantId())) {
            return;
        }
        var before = store.prepare(contact);
        // A concurrent edit of the card fails this save's version check; the consumer kit retries the
        // record, which reloads the card.
        if (contact.withdrawConsent(event.channel().name(), event.occurredAt(), event.actor())) {
            store.save(contact, before);
        }
    }
}
