package org.opencrm.tasks.contact;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bson.Document;
import org.opencrm.events.Actor;
import org.opencrm.events.Topics;
import org.opencrm.events.contacts.ContactCreated;
import org.opencrm.events.contacts.ContactDetails;
import org.opencrm.events.contacts.ContactErased;
import org.opencrm.events.contacts.ContactUpdated;
import org.opencrm.events.contacts.ContactsMerged;
import org.opencrm.platform.consumer.IdempotentWrites;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.platform.privacy.ClientNames;
import org.opencrm.tasks.automation.RuleEngine;
import org.opencrm.tasks.task.Tasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Client names for task titles, merged cards (their tasks follow the survivor), and the contact and call
 * events that trigger automation rules.
 */
@Component
class ContactEventsListener {

    private static final Logger log = LoggerFactory.getLogger(ContactEventsListener.class);
    private static final Actor SYSTEM = Actor.system("tasks-service/contacts");

    private final IdempotentWrites writes;
    private final MongoTemplate mongo;
    private final Tasks tasks;
    private final RuleEngine rules;
    private final Clock clock;
    private final ContactMerges contacts;

    ContactEventsListener(
            IdempotentWrites writes,
            MongoTemplate mongo,
            Tasks tasks,
            RuleEngine rules,
            Clock clock,
            ContactMerges contacts) {
        this.writes = writes;
        this.mongo = mongo;
        this.tasks = tasks;
        this.rules = rules;
        this.clock = clock;
        this.contacts = contacts;
    }

    @KafkaListener(
            topics = {Topics.CONTACTS, Topics.CALLS},
            groupId = "tasks-service")
    void on(ConsumerRecord<String, String> record) {
        var decoded = EventRecords.decode(record);
        if (decoded.isEmpty()) {
            return;
        }
        switch (decoded.get()) {
            case ContactCreated e -> name(e.tenantId(), e.aggregateId(), e, e.details());
            case ContactUpdated e -> name(e.tenantId(), e.aggregateId(), e, e.details());
            case ContactsMerged e -> {
                name(e.tenantId(), e.aggregateId(), e, e.details());
                merge(e);
            }
            case ContactErased e -> erase(e);
            case org.opencrm.events.CrmEvent other -> rules.apply(other);
        }
    }

    private void name(String tenantId, String contactId, org.opencrm.events.CrmEvent event, ContactDetails details) {
        boolean applied = writes.applyIfNewer(ContactMerges.NAMES, contactId, event, names(tenantId, details));
        if (!applied || details == null || ClientNames.of(details.displayName()).isEmpty()) {
            return;
        }
        contacts.sortNames(contactId);
        String survivor = contacts.survivor(tenantId, contactId);
        if (!contactId.equals(survivor)) {
            // a late event of a merged card: its name is the survivor's person's too
            contacts.remember(tenantId, survivor, ClientNames.of(details.displayName()));
        }
    }

    /** The card's current name, added to every name it had (a task titled before a rename holds the earlier). */
    private static Update names(String tenantId, ContactDetails details) {
        var update = new Update()
                .set("tenantId", tenantId)
                .set("displayName", details == null ? null : details.displayName());
        return details == null ? update : ClientNames.remember(update, details.displayName());
    }

    /**
     * Cuts every name the card had, and every name of the cards merged into it (their tasks followed it), from
     * its tasks' titles, then forgets the names: a crash in between is redelivered while the names are still
     * known, and a task already cut is not saved again.
     */
    private void erase(ContactErased erased) {
        var merged = contacts.mergedInto(erased.tenantId(), erased.aggregateId());
        var names = contacts.knownNames(erased.tenantId(), erased.aggregateId());
        for (String card : merged) {
            names = names.with(contacts.knownNames(erased.tenantId(), card));
        }
        for (var task : tasks.repository().findByTenantIdAndContactId(erased.tenantId(), erased.aggregateId())) {
            if (task.eraseClientNames(names, SYSTEM, clock.instant())) {
                // A concurrent edit fails this save; the listener's retry reloads and finds only the rest.
                tasks.save(task);
            }
        }
        for (String card : merged) {
            mongo.updateFirst(
                    new Query(where("_id").is(card).and("tenantId").is(erased.tenantId())),
                    new Update().unset("displayName").unset(ClientNames.FIELD),
                    ContactMerges.NAMES);
        }
        String survivor = contacts.survivor(erased.tenantId(), erased.aggregateId());
        if (!erased.aggregateId().equals(survivor) && !names.isEmpty()) {
            // An erased card merged earlier into another: its names leave the survivor's too, so the survivor
            // holds the same names whether the merge came before the erasure or after it.
            mongo.updateFirst(
                    new Query(where("_id").is(survivor).and("tenantId").is(erased.tenantId())),
                    new Update().pullAll(ClientNames.FIELD, names.all().toArray()),
                    ContactMerges.NAMES);
        }
        writes.applyIfNewer(
                ContactMerges.NAMES,
                erased.aggregateId(),
                erased,
                new Update()
                        .set("tenantId", erased.tenantId())
                        .set("erased", true)
                        .unset("displayName")
                        .unset(ClientNames.FIELD));
    }

    /**
     * Remembers the merge first, so tasks created for the merged card from now on go to the survivor, then
     * moves its open and closed tasks. A redelivery finds nothing left to move.
     */
    private void merge(ContactsMerged merged) {
        try {
            mongo.insert(
                    new Document("_id", merged.mergedContactId())
                            .append("tenantId", merged.tenantId())
                            .append("survivorId", merged.aggregateId()),
                    ContactMerges.MERGES);
        } catch (DuplicateKeyException alreadyRecorded) {
            log.debug("merge of {} already recorded", merged.mergedContactId());
        }
        // The merged card's names are the survivor's person's: an erasure of the survivor cuts them too.
        contacts.remember(
                merged.tenantId(),
                merged.aggregateId(),
                contacts.knownNames(merged.tenantId(), merged.mergedContactId()));
        var affected = tasks.repository().findByTenantIdAndContactId(merged.tenantId(), merged.mergedContactId());
        for (var task : affected) {
            if (task.followMergedContact(merged.mergedContactId(), merged.aggregateId(), SYSTEM, clock.instant())) {
                // A concurrent edit fails this save; the listener's retry reloads and finds only the rest.
                tasks.save(task);
            }
        }
    }
}
