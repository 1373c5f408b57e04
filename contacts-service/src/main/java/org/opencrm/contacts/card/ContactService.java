package org.opencrm.contacts.card;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.opencrm.contacts.activity.ContactActivity;
import org.opencrm.contacts.telephony.OpenCalls;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.security.Role;
import org.opencrm.platform.security.Visibility;
import org.opencrm.platform.web.ETags;
import org.opencrm.platform.web.FieldViolation;
import org.opencrm.platform.web.InvalidRequestException;
import org.opencrm.platform.web.NotFoundException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/** The card commands: load (with visibility), change through the aggregate, save once. */
@Service
class ContactService {

    /** A merge whose marker is older than this was interrupted; see {@link ContactMerger}. */
    static final Duration MERGE_GRACE = Duration.ofMinutes(1);

    private final MongoTemplate mongo;
    private final ContactStore store;
    private final ContactInputs inputs;
    private final Duplicates duplicates;
    private final ContactMerger merger;
    private final ContactActivity activity;
    private final SearchTerms terms;
    private final OpenCalls openCalls;

    ContactService(
            MongoTemplate mongo,
            ContactStore store,
            ContactInputs inputs,
            Duplicates duplicates,
            ContactMerger merger,
            ContactActivity activity,
            SearchTerms terms,
            OpenCalls openCalls) {
        this.terms = terms;
        this.openCalls = openCalls;
        this.mongo = mongo;
        this.store = store;
        this.inputs = inputs;
        this.duplicates = duplicates;
        this.merger = merger;
        this.activity = activity;
    }

    /**
     * A card the user may see: another tenant's or department's card, and an archived one for anyone but an
     * administrator, is "not found"; a merged card answers with its survivor.
     */
    Contact load(String id, CurrentUser user) {
        return load(id, user, false);
    }

    /**
     * The card for reading it or logging a contact on it: also the caller's card of the call the user is on
     * (OpenCalls), whichever department owns it. Edits, merges and the rest stay with {@link #load(String,
     * CurrentUser)}.
     */
    Contact loadForCall(String id, CurrentUser user) {
        return load(id, user, true);
    }

    private Contact load(String id, CurrentUser user, boolean onCall) {
        Contact contact = store.find(id);
        if (contact == null
                || !(Visibility.canSee(user, contact.getTenantId(), contact.ownerId(), contact.departmentId())
                        || (onCall && openCalls.onCallWith(user, contact.getTenantId(), id)))) {
            throw NotFoundException.of("contact", id);
        }
        if (contact.mergingInto() != null
                && contact.mergingSince().isBefore(Instant.now().minus(MERGE_GRACE))) {
            contact = merger.settle(contact);
        }
        if (contact.mergedInto() != null) {
            throw new ContactMergedException(id, contact.mergedInto());
        }
        if (contact.isArchived() && !user.hasRole(Role.ADMIN)) {
            throw NotFoundException.of("contact", id);
        }
        return contact;
    }

    Contact create(ContactInput input, boolean allowDuplicate, CurrentUser user) {
        ContactData data = withDefaults(inputs.toData(input, user), user);
        if (!Visibility.canSee(user, user.tenantId(), data.ownerId(), data.departmentId())) {
            throw new InvalidRequestException(List.of(new FieldViolation(
                    "departmentId",
                    "you would not be able to see this card: choose your department or yourself as owner")));
        }
        var extra = terms.checked(data, user);
        List<DuplicateMatch> matches = duplicates.find(user.tenantId(), null, data);
        if (!matches.isEmpty() && !allowDuplicate) {
            throw new DuplicateContactException(matches);
        }
        Contact contact = Contact.create(user.tenantId(), data, extra, Actors.of(user));
        Contact saved = store.save(contact, ContactIndex.Keys.NONE);
        duplicates.record(user.tenantId(), saved.getId(), matches, "ALLOWED");
        return saved;
    }

    Contact update(String id, JsonNode patch, String ifMatch, boolean allowDuplicate, CurrentUser user) {
        Contact contact = load(id, user);
        ETags.checkIfMatch(ifMatch, contact.getVersion());
        var before = store.prepare(contact);
        ContactData data = inputs.toData(inputs.patch(contact.data(), patch), user);
        List<DuplicateMatch> matches = contact.isLive() ? duplicates.find(user.tenantId(), id, data) : List.of();
        if (!matches.isEmpty() && !allowDuplicate) {
            throw new DuplicateContactException(matches);
        }
        if (contact.update(data, terms.checked(data, user), Actors.of(user)).isEmpty()) {
            return contact;
        }
        Contact saved = store.save(contact, before);
        duplicates.record(user.tenantId(), id, matches, "ALLOWED");
        return saved;
    }

    Contact archive(String id, String ifMatch, CurrentUser user) {
        Contact contact = load(id, user);
        ETags.checkIfMatch(ifMatch, contact.getVersion());
        var before = store.prepare(contact);
        contact.archive(Actors.of(user));
        return store.save(contact, before);
    }

    Contact restore(String id, CurrentUser user) {
        Contact contact = load(id, user);
        var before = store.prepare(contact);
        contact.restore(Actors.of(user));
        return store.save(contact, before);
    }

    Contact erase(String id, CurrentUser user) {
        Contact contact = load(id, user);
        var before = store.prepare(contact);
        contact.erase(Actors.of(user));
        Contact saved = store.save(contact, before);
        // Entries copied out earlier hold the client's words too.
        var ofCard =
                new Query(where("tenantId").is(user.tenantId()).and("contactId").is(id));
        mongo.updateMulti(
                ofCard, new Update().unset("summary").unset("appealText").unset("recordingUrl"), Interaction.class);
        for (AuditEntry entry : mongo.find(ofCard, AuditEntry.class)) {
            mongo.save(Contact.erased(entry));
        }
        activity.erase(user.tenantId(), id);
        return saved;
    }

    Interaction logInteraction(String id, InteractionInput input, CurrentUser user) {
        var errors = new ArrayList<FieldViolation>();
        Instant now = Instant.now();
        if (input.occurredAt() != null && input.occurredAt().isAfter(now.plus(Duration.ofMinutes(5)))) {
            errors.add(new FieldViolation("occurredAt", "must not be in the future"));
        }
        boolean appeal = input.type() == org.opencrm.events.contacts.InteractionType.APPEAL;
        if (appeal) {
            var topic = input.appealTopic() == null
                    ? null
                    : mongo.findById(AppealTopic.idOf(user.tenantId(), input.appealTopic()), AppealTopic.class);
            if (topic == null || !topic.active()) {
                errors.add(new FieldViolation("appealTopic", "must be an active topic of /api/contacts/appeal-topics"));
            }
        } else if (input.appealTopic() != null || input.appealText() != null) {
            errors.add(new FieldViolation("appealTopic", "only an APPEAL has a topic"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        Contact contact = loadForCall(id, user);
        var before = store.prepare(contact);
        var interaction = new Interaction(
                UUID.randomUUID().toString(),
                user.tenantId(),
                id,
                input.type(),
                input.direction(),
                input.occurredAt() == null ? now : input.occurredAt(),
                input.durationSeconds(),
                input.channel(),
                input.summary(),
                input.outcome(),
                input.userId() == null ? user.userId() : input.userId(),
                input.dealId(),
                appeal ? input.appealTopic() : null,
                appeal ? input.appealText() : null,
                now,
                user.userId(),
                null);
        contact.logInteraction(interaction, Actors.of(user));
        store.save(contact, before);
        return interaction;
    }

    Contact merge(String survivorId, MergeRequest request, CurrentUser user) {
        return merger.merge(load(survivorId, user), load(request.duplicateId(), user), request, user);
    }

    /** People working at a company card, as far as the user may see them. */
    List<ContactView.PersonRef> contactPersons(Contact company, CurrentUser user) {
        var query = new Query(new org.springframework.data.mongodb.core.query.Criteria()
                        .andOperator(
                                Visibility.criteria(user),
                                where("companyId").is(company.getId()),
                                where("archived").ne(true),
                                where("mergedInto").is(null)))
                .limit(100);
        return mongo.find(query, Contact.class).stream()
                .map(c -> new ContactView.PersonRef(c.getId(), c.data().displayName()))
                .toList();
    }

    private ContactData withDefaults(ContactData data, CurrentUser user) {
        String owner = data.ownerId();
        String department = data.departmentId();
        if (owner == null && !user.hasAnyRole(Role.ADMIN, Role.INTEGRATION)) {
            owner = user.userId();
        }
        if (department == null && user.departments().size() == 1) {
            department = user.departments().iterator().next();
        }
        return new ContactData(
                data.kind(),
                data.firstName(),
                data.lastName(),
                data.name(),
                data.phones(),
                data.emails(),
                data.website(),
                data.city(),
                data.address(),
                data.companyId(),
                data.notes(),
                owner,
                department,
                data.source(),
                data.tags(),
                data.birthday(),
                data.consentEmail(),
                data.consentSms(),
                data.customValues());
    }
}
