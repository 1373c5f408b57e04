package org.opencrm.deals.client;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencrm.deals.deal.DealService;
import org.opencrm.deals.document.DocumentStore;
import org.opencrm.deals.lead.LeadIntake;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Topics;
import org.opencrm.events.contacts.ContactCreated;
import org.opencrm.events.contacts.ContactDetails;
import org.opencrm.events.contacts.ContactErased;
import org.opencrm.events.contacts.ContactUpdated;
import org.opencrm.events.contacts.ContactsMerged;
import org.opencrm.events.contacts.LeadReceived;
import org.opencrm.platform.consumer.IdempotentWrites;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.platform.privacy.ClientNames;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * The one consumer of the contacts topic (one listener per topic and group, so every record reaches it):
 * keeps the client copies, re-points deals on merges, erases on request and hands leads to intake.
 */
@Component
class ContactsListener {

    static final Actor ACTOR = Actor.system("deals-contacts-sync");

    private final IdempotentWrites writes;
    private final MongoTemplate mongo;
    private final ClientDirectory clients;
    private final DealService deals;
    private final DocumentStore documents;
    private final LeadIntake leads;

    ContactsListener(
            IdempotentWrites writes,
            MongoTemplate mongo,
            ClientDirectory clients,
            DealService deals,
            DocumentStore documents,
            LeadIntake leads) {
        this.writes = writes;
        this.mongo = mongo;
        this.clients = clients;
        this.deals = deals;
        this.documents = documents;
        this.leads = leads;
    }

    @KafkaListener(topics = Topics.CONTACTS, groupId = "deals-service")
    void on(ConsumerRecord<String, String> record) {
        EventRecords.decode(record).ifPresent(this::apply);
    }

    private void apply(CrmEvent event) {
        switch (event) {
            case ContactCreated created -> keep(created, created.details());
            case ContactUpdated updated -> keep(updated, updated.details());
            case ContactsMerged merged -> merge(merged);
            case ContactErased erased -> erase(erased);
            case LeadReceived lead -> leads.on(lead);
            default -> {}
        }
    }

    private void keep(CrmEvent event, ContactDetails details) {
        var update = base(event).set("erased", false);
        if (details != null) {
            update.set("displayName", details.displayName())
                    .set("city", details.city())
                    .set("address", details.address());
            ClientNames.remember(update, details.displayName());
        }
        writes.applyIfNewer(
                ClientCopy.COLLECTION, ClientCopy.key(event.tenantId(), event.aggregateId()), event, update);
    }

    /**
     * The survivor takes the merged details; the merged card remembers its survivor (late events of it and
     * leads keyed by it follow), and its deals are re-pointed. Each step is idempotent on redelivery.
     */
    private void merge(ContactsMerged merged) {
        keep(merged, merged.details());
        mongo.upsert(
                Query.query(Criteria.where("_id").is(ClientCopy.key(merged.tenantId(), merged.mergedContactId()))),
                new Update()
                        .set("tenantId", merged.tenantId())
                        .set("contactId", merged.mergedContactId())
                        .set("mergedInto", merged.aggregateId()),
                ClientCopy.COLLECTION);
        deals.repointContact(merged.tenantId(), merged.mergedContactId(), merged.aggregateId(), ACTOR);
    }

    /**
     * Deals and documents first, the client copy last: a crash in between is redelivered while the names
     * to cut out are still known.
     */
    private void erase(ContactErased erased) {
        var names = clients.find(erased.tenantId(), erased.aggregateId())
                .map(ClientCopy::namesToErase)
                .orElse(ClientNames.none());
        deals.eraseClientNames(erased.tenantId(), erased.aggregateId(), names, ACTOR);
        documents.eraseClient(erased.tenantId(), erased.aggregateId());
        writes.applyIfNewer(
                ClientCopy.COLLECTION,
                ClientCopy.key(erased.tenantId(), erased.aggregateId()),
                erased,
                base(erased)
                        .set("erased", true)
                        .unset("displayName")
                        .unset(ClientNames.FIELD)
                        .unset("city")
                        .unset("address"));
    }

    private static Update base(CrmEvent event) {
        return new Update().set("tenantId", event.tenantId()).set("contactId", event.aggregateId());
    }
}
