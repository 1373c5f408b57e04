package org.opencrm.deals.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
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
import org.springframework.dao.DuplicateKeyException;
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
        boolean applied = writes.applyIfNewer(
                ClientCopy.COLLECTION, ClientCopy.key(event.tenantId(), event.aggregateId()), event, update);
        if (!applied || details == null || ClientNames.of(details.displayName()).isEmpty()) {
            return;
        }
        sortNames(event.tenantId(), event.aggregateId());
        String survivor = clients.current(event.tenantId(), event.aggregateId());
        if (!survivor.equals(event.aggregateId())) {
            // a late event of a merged card: its name is the survivor's person's too
            rememberOn(event.tenantId(), survivor, ClientNames.of(details.displayName()));
        }
    }

    /** Names in the order they came in differ between deliveries of the same events; sorted, they do not. */
    private void sortNames(String tenantId, String contactId) {
        mongo.updateFirst(
                Query.query(Criteria.where("_id").is(ClientCopy.key(tenantId, contactId))),
                ClientNames.sortRemembered(),
                ClientCopy.COLLECTION);
    }

    /**
     * Adds names to a card's copy: the names of cards merged into it, whose deals now sit on it, so that its
     * erasure cuts them from those deals' titles too. Never to an erased card's copy.
     */
    private void rememberOn(String tenantId, String contactId, ClientNames names) {
        if (names.isEmpty()) {
            return;
        }
        try {
            mongo.upsert(
                    Query.query(Criteria.where("_id")
                            .is(ClientCopy.key(tenantId, contactId))
                            .and("erased")
                            .ne(true)),
                    ClientNames.remember(
                            new Update().set("tenantId", tenantId).set("contactId", contactId),
                            names.all().toArray(String[]::new)),
                    ClientCopy.COLLECTION);
            sortNames(tenantId, contactId);
        } catch (DuplicateKeyException erased) {
            // the survivor was erased: no name of it is kept again
        }
    }

    /**
     * The survivor takes the merged details and the merged card's names; the merged card remembers its survivor
     * (late events of it and leads keyed by it follow), and its deals are re-pointed. Each step is idempotent on
     * redelivery.
     */
    private void merge(ContactsMerged merged) {
        keep(merged, merged.details());
        rememberOn(
                merged.tenantId(),
                merged.aggregateId(),
                clients.find(merged.tenantId(), merged.mergedContactId())
                        .map(ClientCopy::namesToErase)
                        .orElse(ClientNames.none()));
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
     * Deals and documents first, the client copies last: a crash in between is redelivered while the names
     * to cut out are still known. The names are the card's and those of the cards merged into it (their deals
     * sit on it now), and those cards' copies lose their personal data too.
     */
    private void erase(ContactErased erased) {
        var merged = mergedInto(erased.tenantId(), erased.aggregateId());
        var names = ClientNames.none();
        for (String card : concat(erased.aggregateId(), merged)) {
            names = names.with(clients.find(erased.tenantId(), card)
                    .map(ClientCopy::namesToErase)
                    .orElse(ClientNames.none()));
        }
        deals.eraseClientNames(erased.tenantId(), erased.aggregateId(), names, ACTOR);
        documents.eraseClient(erased.tenantId(), erased.aggregateId());
        for (String card : merged) {
            mongo.updateFirst(
                    Query.query(Criteria.where("_id").is(ClientCopy.key(erased.tenantId(), card))),
                    withoutPersonalData(new Update()),
                    ClientCopy.COLLECTION);
        }
        String survivor = clients.current(erased.tenantId(), erased.aggregateId());
        if (!survivor.equals(erased.aggregateId()) && !names.isEmpty()) {
            // An erased card merged earlier into another: its names leave the survivor's copy too, so that copy
            // holds the same names whether the merge came before the erasure or after it.
            mongo.updateFirst(
                    Query.query(Criteria.where("_id").is(ClientCopy.key(erased.tenantId(), survivor))),
                    new Update().pullAll(ClientNames.FIELD, names.all().toArray()),
                    ClientCopy.COLLECTION);
        }
        writes.applyIfNewer(
                ClientCopy.COLLECTION,
                ClientCopy.key(erased.tenantId(), erased.aggregateId()),
                erased,
                withoutPersonalData(base(erased).set("erased", true)));
    }

    private static Update withoutPersonalData(Update update) {
        return update.unset("displayName")
                .unset(ClientNames.FIELD)
                .unset("city")
                .unset("address");
    }

    /** The cards merged into {@code contactId}, directly or through other merges. */
    private List<String> mergedInto(String tenantId, String contactId) {
        var found = new ArrayList<String>();
        var next = new ArrayDeque<>(List.of(contactId));
        while (!next.isEmpty() && found.size() < 100) {
            String survivor = next.poll();
            var query = Query.query(
                    Criteria.where("tenantId").is(tenantId).and("mergedInto").is(survivor));
            for (var copy : mongo.find(query, ClientCopy.class)) {
                if (!found.contains(copy.contactId()) && !copy.contactId().equals(contactId)) {
                    found.add(copy.contactId());
                    next.add(copy.contactId());
                }
            }
        }
        return found;
    }

    private static List<String> concat(String first, List<String> rest) {
        var all = new ArrayList<String>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static Update base(CrmEvent event) {
        return new Update().set("tenantId", event.tenantId()).set("contactId", event.aggregateId());
    }
}
