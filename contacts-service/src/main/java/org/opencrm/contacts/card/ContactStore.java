package org.opencrm.contacts.card;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * Saves a card together with what hangs off it, in an order that survives a crash at any point without
 * transactions: index entries the card gains are added before the save (and again after it, undoing a
 * concurrent reader's repair that ran in between), entries it lost are removed after the save, the phone
 * entries' screen-pop views are withdrawn before and written after (see {@link ContactIndex}), and the
 * audit and history it carries are copied out last ({@link ContactJournal}).
 */
@Component
class ContactStore {

    private final MongoTemplate mongo;
    private final ContactIndex index;
    private final ContactJournal journal;
    private final Counter created;

    ContactStore(MongoTemplate mongo, ContactIndex index, ContactJournal journal, MeterRegistry meters) {
        this.mongo = mongo;
        this.index = index;
        this.journal = journal;
        this.created = createdCounter(meters);
    }

    /** Cards created by any path (API, lead, unknown caller, import): counted once their first save succeeded. */
    static Counter createdCounter(MeterRegistry meters) {
        return Counter.builder("crm.contacts.created")
                .description("Contact cards created")
                .register(meters);
    }

    Contact find(String id) {
        return mongo.findById(id, Contact.class);
    }

    /**
     * Copies leftovers of an earlier save and lets the card forget them; call before changing a loaded card.
     *
     * @return the card's index keys before the change
     */
    ContactIndex.Keys prepare(Contact contact) {
        journal.flush(contact);
        return ContactIndex.keysOf(contact);
    }

    Contact save(Contact contact, ContactIndex.Keys before) {
        var after = ContactIndex.keysOf(contact);
        boolean isNew = contact.getVersion() == null;
        index.beforeSave(contact.getId(), before, after, isNew ? 0 : contact.getVersion() + 1);
        Contact saved = mongo.save(contact);
        if (isNew) {
            // A concurrent retry's insert of the same derived id throws above: one card, one count.
            created.increment();
        }
        index.afterSave(saved, before, after);
        journal.flush(saved);
        return saved;
    }

    /** Copies what a card carries before its audit or history is read. */
    void settleJournal(Contact contact) {
        if (!contact.pendingAudit().isEmpty() || !contact.pendingInteractions().isEmpty()) {
            journal.flush(contact);
        }
    }
}
