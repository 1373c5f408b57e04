package org.opencrm.contacts.card;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.opencrm.events.Actor;
import org.opencrm.events.contacts.ContactArchived;
import org.opencrm.events.contacts.ContactCreated;
import org.opencrm.events.contacts.ContactDetails;
import org.opencrm.events.contacts.ContactErased;
import org.opencrm.events.contacts.ContactRestored;
import org.opencrm.events.contacts.ContactUpdated;
import org.opencrm.events.contacts.ContactsMerged;
import org.opencrm.events.contacts.InteractionLogged;
import org.opencrm.events.contacts.LeadReceived;
import org.opencrm.events.contacts.Utm;
import org.opencrm.platform.outbox.AggregateRoot;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A client card. It decides its changes and records their events; it also carries, in the same write,
 * the audit entries and history entries a change produced ({@code pendingAudit}, {@code pendingInteractions})
 * until they are copied to their own collections. That way no card change exists without its audit and
 * no history entry without its event, with single-document writes only (see {@link ContactJournal}).
 */
@Document("contacts")
class Contact extends AggregateRoot {

    static final String ERASED = "[erased]";

    private ContactKind kind;
    private String firstName;
    private String lastName;
    private String name;
    private List<Phone> phones = new ArrayList<>();
    private List<String> emails = new ArrayList<>();
    private String website;
    private String city;
    private String address;
    private String companyId;
    private String notes;
    private String ownerId;
    private String departmentId;
    private String source;
    private List<String> tags = new ArrayList<>();
    private LocalDate birthday;
    /**
     * {@code MM-dd} of the birthday, for live cards only: the day's greetings ask for it by equality
     * (org.opencrm.contacts.birthday) instead of date arithmetic the embedded database cannot index.
     */
    private String birthdayMonthDay;

    private ConsentState consentEmail;
    private ConsentState consentSms;
    private Map<String, Object> customValues = new HashMap<>();

    private boolean archived;
    private Instant erasedAt;
    /** Set on a tombstone: the card this one was merged into. */
    private String mergedInto;
    /** Set while a merge into that card is under way; see {@link ContactMerger}. */
    private String mergingInto;

    private Instant mergingSince;
    /** Cards merged into this one (transitively): their history is this card's history. */
    private List<String> mergedIds = new ArrayList<>();

    /** Lower-cased copies for anchored-regex search and sorting (the embedded database has no collation). */
    private String sortName;

    private List<String> searchTerms = new ArrayList<>();

    private Instant createdAt;
    private Instant updatedAt;

    /** The import and file line that created the card, so a resumed import recognises its own cards. */
    private String importId;

    private Long importLine;

    /** The latest leads this card received, so a retried intake never records a lead twice. */
    private List<String> leadIds = new ArrayList<>();

    private List<AuditEntry> pendingAudit = new ArrayList<>();
    private List<Interaction> pendingInteractions = new ArrayList<>();

    Contact() {}

    private Contact(String id, String tenantId) {
        super(id, tenantId);
    }

    static Contact create(String tenantId, ContactData data, Set<String> extraTerms, Actor by) {
        return create(newId(), tenantId, data, extraTerms, by, null);
    }

    /**
     * A new card with a given id: intake and imports derive it from the lead or the file row, so a retried
     * request or a resumed job finds the card it created before instead of creating a second one.
     */
    static Contact create(
            String id, String tenantId, ContactData data, Set<String> extraTerms, Actor by, String importId) {
        return create(id, tenantId, data, extraTerms, by, importId, null);
    }

    static Contact create(
            String id,
            String tenantId,
            ContactData data,
            Set<String> extraTerms,
            Actor by,
            String importId,
            Long importLine) {
        var contact = new Contact(id, tenantId);
        contact.importId = importId;
        contact.importLine = importLine;
        contact.createdAt = Instant.now();
        contact.apply(data, extraTerms, contact.createdAt);
        var e = contact.nextEvent(by, contact.createdAt);
        contact.record(new ContactCreated(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                data.kind().name(),
                data.ownerId(),
                data.departmentId(),
                data.source(),
                data.companyId(),
                importId,
                contact.details()));
        var changes = new ArrayList<FieldChange>();
        data.fields().forEach((field, value) -> {
            if (!isEmpty(value)) {
                changes.add(new FieldChange(field, null, render(value)));
            }
        });
        contact.audit(by, "CREATED", changes, contact.createdAt);
        return contact;
    }

    /**
     * Replaces the card's content. Records {@code ContactUpdated} naming the fields that changed, and their
     * old and new values in the audit; a change that changes nothing records nothing.
     *
     * @return the names of the changed fields
     */
    List<String> update(ContactData data, Set<String> extraTerms, Actor by) {
        return update(data, extraTerms, by, null);
    }

    /** {@link #update(ContactData, Set, Actor)} by a row of the import {@code importId} (MERGE policy). */
    List<String> update(ContactData data, Set<String> extraTerms, Actor by, String importId) {
        requireLive();
        Map<String, Object> before = data().fields();
        Map<String, Object> after = data.fields();
        var changes = diff(before, after);
        if (changes.isEmpty()) {
            return List.of();
        }
        Instant now = Instant.now();
        apply(data, extraTerms, now);
        var changed = changes.stream().map(FieldChange::field).toList();
        var e = nextEvent(by, now);
        record(new ContactUpdated(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                changed,
                ownerId,
                departmentId,
                companyId,
                importId,
                details()));
        audit(by, "UPDATED", changes, now);
        return changed;
    }

    /**
     * The client withdrew marketing consent for a channel through an unsubscribe link ({@code ClientUnsubscribed}
     * from notifications-service). Nothing changes when the consent is not granted, or was granted again
     * after {@code withdrawnAt}: a replayed event never undoes a later choice of the client.
     *
     * @param channel {@code EMAIL} or {@code SMS}; other channels carry no marketing consent
     * @return whether the card changed
     */
    boolean withdrawConsent(String channel, Instant withdrawnAt, Actor by) {
        if (erasedAt != null || mergedInto != null) {
            return false;
        }
        ConsentState current = switch (channel) {
            case "EMAIL" -> consentEmail;
            case "SMS" -> consentSms;
            default -> null;
        };
        if (current == null
                || !current.granted()
                || (current.at() != null && current.at().isAfter(withdrawnAt))) {
            return false;
        }
        String field = "EMAIL".equals(channel) ? "consent.email" : "consent.sms";
        var withdrawn = new ConsentState(false, withdrawnAt);
        if ("EMAIL".equals(channel)) {
            consentEmail = withdrawn;
        } else {
            consentSms = withdrawn;
        }
        Instant now = Instant.now();
        updatedAt = now;
        var e = nextEvent(by, now);
        record(new ContactUpdated(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                List.of(field),
                ownerId,
                departmentId,
                companyId,
                null,
                details()));
        audit(by, "UPDATED", List.of(new FieldChange(field, "true", "false")), now);
        return true;
    }

    void archive(Actor by) {
        requireLive();
        if (archived) {
            return;
        }
        archived = true;
        var e = nextEvent(by);
        updatedAt = e.occurredAt();
        record(new ContactArchived(
                e.eventId(), e.tenantId(), e.aggregateId(), e.aggregateVersion(), e.occurredAt(), e.actor()));
        audit(by, "ARCHIVED", List.of(new FieldChange("archived", "false", "true")), updatedAt);
    }

    void restore(Actor by) {
        requireLive();
        if (!archived) {
            return;
        }
        archived = false;
        var e = nextEvent(by);
        updatedAt = e.occurredAt();
        record(new ContactRestored(
                e.eventId(), e.tenantId(), e.aggregateId(), e.aggregateVersion(), e.occurredAt(), e.actor()));
        audit(by, "RESTORED", List.of(new FieldChange("archived", "true", "false")), updatedAt);
    }

    InteractionLogged logInteraction(Interaction interaction, Actor by) {
        return logInteraction(interaction, by, null);
    }

    /** Logs a history entry; {@code callId} names the telephony call a CALL entry came from. */
    InteractionLogged logInteraction(Interaction interaction, Actor by, String callId) {
        requireLive();
        pendingInteractions.add(interaction);
        var e = nextEvent(by, interaction.loggedAt());
        return record(new InteractionLogged(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                interaction.id(),
                interaction.type(),
                interaction.direction(),
                interaction.occurredAt(),
                interaction.durationSeconds(),
                interaction.channel(),
                interaction.outcome(),
                interaction.userId(),
                departmentId,
                interaction.dealId(),
                interaction.appealTopic(),
                callId));
    }

    /**
     * Records that a lead reached this card (matched or created by it). A lead the card already received is
     * not recorded again: a retried intake changes nothing.
     *
     * @return false if the card had received this lead before
     */
    boolean receiveLead(
            String leadId,
            boolean newContact,
            String leadSource,
            Utm utm,
            String formId,
            String leadDepartmentId,
            String messageInteractionId,
            Actor by) {
        requireLive();
        if (leadIds.contains(leadId)) {
            return false;
        }
        leadIds.add(leadId);
        if (leadIds.size() > 50) {
            leadIds.removeFirst();
        }
        var e = nextEvent(by);
        updatedAt = e.occurredAt();
        record(new LeadReceived(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                leadId,
                newContact,
                leadSource,
                utm,
                formId,
                leadDepartmentId,
                messageInteractionId));
        return true;
    }

    boolean hasReceivedLead(String leadId) {
        return leadIds.contains(leadId);
    }

    /** First step of a merge: this card is about to be folded into {@code survivorId}. */
    void startMergingInto(String survivorId) {
        requireLive();
        mergingInto = survivorId;
        mergingSince = Instant.now();
    }

    /**
     * The survivor's side of a merge: takes the union of phones, e-mails, tags and custom values, and the
     * duplicate's fields where {@code preferDuplicate} names them; the duplicate's history becomes ours.
     */
    void absorb(Contact duplicate, ContactData merged, Set<String> extraTerms, Actor by) {
        requireLive();
        Map<String, Object> before = data().fields();
        Instant now = Instant.now();
        apply(merged, extraTerms, now);
        mergedIds.add(duplicate.getId());
        mergedIds.addAll(duplicate.mergedIds);
        var e = nextEvent(by, now);
        record(new ContactsMerged(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                duplicate.getId(),
                ownerId,
                departmentId,
                companyId,
                details()));
        var changes = new ArrayList<>(diff(before, merged.fields()));
        changes.add(new FieldChange("mergedIds", null, duplicate.getId()));
        audit(by, "MERGED", changes, now);
    }

    /** Last step of a merge: this card becomes a tombstone pointing to the survivor. */
    void becomeTombstoneOf(String survivorId, Actor by) {
        mergingInto = null;
        mergingSince = null;
        mergedInto = survivorId;
        birthdayMonthDay = null;
        updatedAt = Instant.now();
        audit(by, "MERGED_INTO", List.of(new FieldChange("mergedInto", null, survivorId)), updatedAt);
    }

    void abandonMerge() {
        mergingInto = null;
        mergingSince = null;
    }

    /** Replaces every personal value irreversibly; ids, kind, owner and department stay for the history. */
    void erase(Actor by) {
        if (erasedAt != null) {
            return;
        }
        Instant now = Instant.now();
        erasedAt = now;
        updatedAt = now;
        firstName = null;
        lastName = null;
        name = ERASED;
        phones = new ArrayList<>();
        emails = new ArrayList<>();
        website = null;
        city = null;
        address = null;
        notes = null;
        birthday = null;
        birthdayMonthDay = null;
        tags = new ArrayList<>();
        customValues = new HashMap<>();
        consentEmail = new ConsentState(false, now);
        consentSms = new ConsentState(false, now);
        sortName = Names.lower(ERASED);
        searchTerms = new ArrayList<>();
        pendingInteractions.replaceAll(Interaction::erased);
        pendingAudit =
                new ArrayList<>(pendingAudit.stream().map(Contact::erased).toList());
        var e = nextEvent(by, now);
        record(new ContactErased(
                e.eventId(), e.tenantId(), e.aggregateId(), e.aggregateVersion(), e.occurredAt(), e.actor()));
        audit(by, "ERASED", List.of(), now);
    }

    static AuditEntry erased(AuditEntry entry) {
        return new AuditEntry(
                entry.id(),
                entry.tenantId(),
                entry.contactId(),
                entry.at(),
                entry.actorId(),
                entry.action(),
                entry.changes().stream()
                        .map(c -> new FieldChange(
                                c.field(), c.from() == null ? null : ERASED, c.to() == null ? null : ERASED))
                        .toList());
    }

    private void apply(ContactData data, Set<String> extraTerms, Instant now) {
        kind = data.kind();
        firstName = data.firstName();
        lastName = data.lastName();
        name = data.name();
        phones = new ArrayList<>(data.phones());
        emails = new ArrayList<>(data.emails());
        website = data.website();
        city = data.city();
        address = data.address();
        companyId = data.companyId();
        notes = data.notes();
        ownerId = data.ownerId();
        departmentId = data.departmentId();
        source = data.source();
        tags = new ArrayList<>(data.tags());
        birthday = data.birthday();
        birthdayMonthDay = birthday == null
                ? null
                : String.format("%02d-%02d", birthday.getMonthValue(), birthday.getDayOfMonth());
        consentEmail = consent(consentEmail, data.consentEmail(), now);
        consentSms = consent(consentSms, data.consentSms(), now);
        customValues = new HashMap<>(data.customValues());
        updatedAt = now;
        sortName = Names.lower(data.displayName());
        var terms = new LinkedHashSet<String>();
        for (String part : new String[] {firstName, lastName, name, data.displayName()}) {
            if (part != null && !part.isBlank()) {
                terms.add(Names.lower(part));
                terms.add(Names.latin(part));
            }
        }
        terms.addAll(emails);
        terms.addAll(extraTerms);
        terms.removeIf(String::isBlank);
        searchTerms = new ArrayList<>(terms);
    }

    private static ConsentState consent(ConsentState current, Boolean wanted, Instant now) {
        boolean granted = Boolean.TRUE.equals(wanted);
        if (current != null && current.granted() == granted) {
            return current;
        }
        if (current == null && wanted == null) {
            return null;
        }
        return new ConsentState(granted, now);
    }

    private void audit(Actor by, String action, List<FieldChange> changes, Instant at) {
        pendingAudit.add(new AuditEntry(
                UUID.randomUUID().toString(), getTenantId(), getId(), at, by.id(), action, List.copyOf(changes)));
    }

    private void requireLive() {
        if (mergedInto != null) {
            throw new IllegalStateException("card " + getId() + " was merged into " + mergedInto);
        }
    }

    private static List<FieldChange> diff(Map<String, Object> before, Map<String, Object> after) {
        var keys = new LinkedHashSet<>(before.keySet());
        keys.addAll(after.keySet());
        var changes = new ArrayList<FieldChange>();
        for (String key : keys) {
            Object from = before.get(key);
            Object to = after.get(key);
            if (!Objects.equals(normal(from), normal(to))) {
                changes.add(new FieldChange(key, render(from), render(to)));
            }
        }
        return changes;
    }

    // Empty lists and absent values are the same "nothing"; numbers compare by value whatever their boxing.
    private static Object normal(Object value) {
        if (isEmpty(value)) {
            return null;
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        return value;
    }

    private static boolean isEmpty(Object value) {
        return value == null || (value instanceof List<?> list && list.isEmpty());
    }

    private static String render(Object value) {
        if (isEmpty(value)) {
            return null;
        }
        if (value instanceof List<?> list) {
            return String.join(
                    ", ",
                    list.stream()
                            .map(item -> item instanceof Phone phone ? phone.number() : String.valueOf(item))
                            .toList());
        }
        return String.valueOf(value);
    }

    ContactDetails details() {
        return new ContactDetails(data().displayName(), city, address);
    }

    ContactData data() {
        return new ContactData(
                kind,
                firstName,
                lastName,
                name,
                phones,
                emails,
                website,
                city,
                address,
                companyId,
                notes,
                ownerId,
                departmentId,
                source,
                tags,
                birthday,
                consentEmail == null ? null : consentEmail.granted(),
                consentSms == null ? null : consentSms.granted(),
                customValues == null ? Map.of() : new LinkedHashMap<>(customValues));
    }

    /** Shown in lists, found by lookups and duplicate checks: not archived, not merged away. */
    boolean isLive() {
        return !archived && mergedInto == null;
    }

    boolean isArchived() {
        return archived;
    }

    boolean isErased() {
        return erasedAt != null;
    }

    String mergedInto() {
        return mergedInto;
    }

    String mergingInto() {
        return mergingInto;
    }

    Instant mergingSince() {
        return mergingSince;
    }

    List<String> mergedIds() {
        return List.copyOf(mergedIds);
    }

    ContactKind kind() {
        return kind;
    }

    String ownerId() {
        return ownerId;
    }

    String departmentId() {
        return departmentId;
    }

    String source() {
        return source;
    }

    String importId() {
        return importId;
    }

    Long importLine() {
        return importLine;
    }

    String companyId() {
        return companyId;
    }

    String city() {
        return city;
    }

    List<Phone> phones() {
        return List.copyOf(phones);
    }

    List<String> emails() {
        return List.copyOf(emails);
    }

    ConsentState consentEmail() {
        return consentEmail;
    }

    ConsentState consentSms() {
        return consentSms;
    }

    Instant createdAt() {
        return createdAt;
    }

    Instant updatedAt() {
        return updatedAt;
    }

    Instant erasedAt() {
        return erasedAt;
    }

    List<AuditEntry> pendingAudit() {
        return List.copyOf(pendingAudit);
    }

    List<Interaction> pendingInteractions() {
        return List.copyOf(pendingInteractions);
    }

    /** After the journal copied the pending entries to their collections; persisted with the next save. */
    void forgetJournal() {
        pendingAudit.clear();
        pendingInteractions.clear();
    }
}
