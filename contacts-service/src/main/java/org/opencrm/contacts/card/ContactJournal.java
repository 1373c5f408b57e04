package org.opencrm.contacts.card;

import org.opencrm.platform.consumer.IdempotentWrites;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * Copies the audit and history entries a card carries ({@link Contact#pendingAudit()},
 * {@link Contact#pendingInteractions()}) into their collections. Each copy is an insert with the entry's own
 * id, so copying twice changes nothing. It runs after every save, before every command (so the card can
 * forget what is already copied) and before reading a card's audit or history, which covers a crash
 * between a save and its copy.
 */
@Component
class ContactJournal {

    private final MongoTemplate mongo;
    private final IdempotentWrites writes;

    ContactJournal(MongoTemplate mongo, IdempotentWrites writes) {
        this.mongo = mongo;
        this.writes = writes;
    }

    /** Copies the pending entries; the card forgets them in memory, the next save persists that. */
    void flush(Contact contact) {
        for (AuditEntry entry : contact.pendingAudit()) {
            writes.insertOnce(entry, mongo.getCollectionName(AuditEntry.class));
        }
        for (Interaction interaction : contact.pendingInteractions()) {
            writes.insertOnce(interaction, mongo.getCollectionName(Interaction.class));
        }
        contact.forgetJournal();
    }
}
