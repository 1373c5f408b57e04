package org.opencrm.contacts.card;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.opencrm.events.Actor;
import org.opencrm.events.Direction;
import org.opencrm.events.contacts.InteractionType;
import org.opencrm.events.contacts.Utm;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.security.Visibility;
import org.opencrm.platform.web.FieldViolation;
import org.opencrm.platform.web.InvalidRequestException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * How clients enter from outside: leads from forms and integrations, and callers announced by the PBX. Every
 * effect is keyed by an id the caller's retry reproduces (the lead id, the call id), so a retried request
 * finds what it did before instead of doing it twice.
 */
@Component
public class ContactIntake {

    /**
     * A lead as intake received it.
     *
     * @param channel how the message arrived, kept on its MESSAGE interaction ({@code web-form}, {@code api})
     */
    public record LeadDetails(
            String name,
            String phone,
            String email,
            String message,
            String source,
            Utm utm,
            String formId,
            String departmentId,
            String channel) {}

    public record LeadOutcome(String leadId, String contactId, boolean newContact, String messageInteractionId) {}

    /** The end of a call, to be logged as a CALL interaction on the caller's card. */
    public record CallLog(
            String interactionId,
            String callId,
            Direction direction,
            Instant startedAt,
            long durationSeconds,
            boolean answered,
            String operatorId,
            String recordingUrl) {}

    private final MongoTemplate mongo;
    private final ContactStore store;
    private final ContactInputs inputs;
    private final Duplicates duplicates;
    private final PhoneNumbers phoneNumbers;
    private final SearchTerms terms;
    private final ContactQueries queries;
    private final Counter leadsToExistingCards;
    private final Counter leadsToNewCards;

    ContactIntake(
            MongoTemplate mongo,
            ContactStore store,
            ContactInputs inputs,
            Duplicates duplicates,
            PhoneNumbers phoneNumbers,
            SearchTerms terms,
            ContactQueries queries,
            MeterRegistry meters) {
        this.mongo = mongo;
        this.store = store;
        this.inputs = inputs;
        this.duplicates = duplicates;
        this.phoneNumbers = phoneNumbers;
        this.terms = terms;
        this.queries = queries;
        this.leadsToExistingCards = leadsCounter(meters, false);
        this.leadsToNewCards = leadsCounter(meters, true);
    }

    private static Counter leadsCounter(MeterRegistry meters, boolean newContact) {
        return Counter.builder("crm.contacts.leads.received")
                .description("Leads received from forms and integrations, once each (retries are not counted)")
                .tag("newContact", Boolean.toString(newContact))
                .register(meters);
    }

    /**
     * Checks a lead as a card would be checked; a bad phone, e-mail or name is a 400 naming the lead's field.
     */
    public void validateLead(CurrentUser user, LeadDetails lead) {
        leadData(user, lead);
    }

    /**
     * Matches the lead to a live card by phone, then by e-mail, or creates a card (unowned, with the lead's
     * source and department); logs the message as a MESSAGE interaction and records {@code LeadReceived} in
     * the same write. A lead the card already received changes nothing: the earlier outcome is returned.
     */
    public LeadOutcome receiveLead(CurrentUser user, LeadDetails lead, String leadId) {
        ContactData data = leadData(user, lead);
        try {
            return applyLead(user, lead, leadId, data);
        } catch (DuplicateKeyException | OptimisticLockingFailureException raced) {
            // A concurrent retry of the same lead wrote first: this pass finds its result.
            return applyLead(user, lead, leadId, data);
        }
    }

    private LeadOutcome applyLead(CurrentUser user, LeadDetails lead, String leadId, ContactData data) {
        Actor actor = Actors.of(user);
        String newId = derivedId("lead", user.tenantId(), leadId);
        String messageId = lead.message() == null ? null : derivedId("lead-message", user.tenantId(), leadId);
        Contact created = store.find(newId);
        if (created != null && created.hasReceivedLead(leadId)) {
            return new LeadOutcome(leadId, created.getId(), true, messageId);
        }
        Contact match = match(user.tenantId(), data).orElse(null);
        if (match != null) {
            if (match.hasReceivedLead(leadId)) {
                return new LeadOutcome(leadId, match.getId(), false, messageId);
            }
            var before = store.prepare(match);
            logMessage(match, lead, messageId, actor, user);
            match.receiveLead(
                    leadId, false, lead.source(), lead.utm(), lead.formId(), lead.departmentId(), messageId, actor);
            store.save(match, before);
            leadsToExistingCards.increment();
            return new LeadOutcome(leadId, match.getId(), false, messageId);
        }
        List<DuplicateMatch> similar = duplicates.find(user.tenantId(), null, data);
        Contact contact = Contact.create(newId, user.tenantId(), data, terms.of(data, user.tenantId()), actor, null);
        logMessage(contact, lead, messageId, actor, user);
        contact.receiveLead(
                leadId, true, lead.source(), lead.utm(), lead.formId(), lead.departmentId(), messageId, actor);
        Contact saved = store.save(contact, ContactIndex.Keys.NONE);
        leadsToNewCards.increment();
        // Only name look-alikes can be left (a phone or e-mail match would have matched): kept for review.
        duplicates.record(user.tenantId(), saved.getId(), similar, "LEAD");
        return new LeadOutcome(leadId, saved.getId(), true, messageId);
    }

    private void logMessage(Contact contact, LeadDetails lead, String messageId, Actor actor, CurrentUser user) {
        if (messageId == null) {
            return;
        }
        Instant now = Instant.now();
        contact.logInteraction(
                new Interaction(
                        messageId,
                        user.tenantId(),
                        contact.getId(),
                        InteractionType.MESSAGE,
                        Direction.INBOUND,
                        now,
                        null,
                        lead.channel(),
                        lead.message(),
                        null,
                        null,
                        null,
                        null,
                        null,
                        now,
                        user.userId(),
                        null),
                actor);
    }

    private Optional<Contact> match(String tenantId, ContactData data) {
        for (Phone phone : data.phones()) {
            var cards = duplicates.verified(ContactIndex.PHONES, tenantId + "|" + phone.number());
            if (!cards.isEmpty()) {
                return Optional.of(cards.getFirst());
            }
        }
        for (String email : data.emails()) {
            var cards = duplicates.verified(ContactIndex.EMAILS, tenantId + "|" + email);
            if (!cards.isEmpty()) {
                return Optional.of(cards.getFirst());
            }
        }
        return Optional.empty();
    }

    private ContactData leadData(CurrentUser user, LeadDetails lead) {
        if (blank(lead.phone()) && blank(lead.email())) {
            throw new InvalidRequestException(List.of(
                    new FieldViolation("phone", "a lead needs a phone or an e-mail"),
                    new FieldViolation("email", "a lead needs a phone or an e-mail")));
        }
        String name = blank(lead.name()) ? null : lead.name().trim().replaceAll("\\s+", " ");
        String firstName = name;
        String lastName = null;
        if (name == null) {
            // A "call me back" form may carry a number only; the card is named by it until someone edits it.
            firstName = blank(lead.phone()) ? lead.email().trim() : lead.phone().trim();
        } else if (name.contains(" ")) {
            firstName = name.substring(0, name.indexOf(' '));
            lastName = name.substring(name.indexOf(' ') + 1);
        }
        var input = new ContactInput(
                ContactKind.PERSON,
                firstName,
                lastName,
                null,
                blank(lead.phone()) ? null : List.of(new ContactInput.PhoneInput(lead.phone(), PhoneType.OTHER)),
                blank(lead.email()) ? null : List.of(lead.email()),
                null,
                null,
                null,
                null,
                null,
                null,
                lead.departmentId(),
                lead.source(),
                null,
                null,
                null,
                null);
        try {
            return inputs.toData(input, user);
        } catch (InvalidRequestException e) {
            @SuppressWarnings("unchecked")
            var violations = (List<FieldViolation>) e.getBody().getProperties().get("errors");
            var renamed = new ArrayList<FieldViolation>();
            for (FieldViolation v : violations) {
                renamed.add(new FieldViolation(leadField(v.field()), v.message()));
            }
            throw new InvalidRequestException(renamed);
        }
    }

    private static String leadField(String cardField) {
        if (cardField == null) {
            return null;
        }
        if (cardField.startsWith("phones")) {
            return "phone";
        }
        if (cardField.startsWith("emails")) {
            return "email";
        }
        if (cardField.equals("firstName") || cardField.equals("lastName")) {
            return "name";
        }
        return cardField;
    }

    /** The number in E.164, read in the tenant's region; empty when it is not a valid number. */
    public Optional<String> e164(String tenantId, String number) {
        return phoneNumbers.e164(tenantId, number);
    }

    /** The screen pop: the live cards the user may see with this number, each with its summary. */
    public List<LookupResult> screenPop(String phone, CurrentUser user) {
        return queries.lookup(phone, user);
    }

    /**
     * A card for an unknown caller, named by the number; its id is derived from the call, so a retried
     * webhook finds the card it created.
     */
    public String createCallerCard(CurrentUser user, String e164, String callId) {
        String id = derivedId("caller", user.tenantId(), callId);
        Contact existing = store.find(id);
        if (existing != null) {
            return existing.getId();
        }
        var data = new ContactData(
                ContactKind.PERSON,
                e164,
                null,
                null,
                List.of(new Phone(e164, PhoneType.OTHER)),
                List.of(),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "phone",
                List.of(),
                null,
                null,
                null,
                null);
        Contact contact =
                Contact.create(id, user.tenantId(), data, terms.of(data, user.tenantId()), Actors.of(user), null);
        try {
            return store.save(contact, ContactIndex.Keys.NONE).getId();
        } catch (DuplicateKeyException raced) {
            return id;
        }
    }

    /**
     * Logs the call on the card (on its survivor if it was merged since). Logging the same interaction id
     * again changes nothing.
     */
    public void logCall(CurrentUser user, String contactId, CallLog call) {
        Contact card = store.find(contactId);
        while (card != null && card.mergedInto() != null) {
            card = store.find(card.mergedInto());
        }
        if (card == null
                || !Visibility.canSee(user, card.getTenantId(), card.ownerId(), card.departmentId())
                || mongo.exists(
                        new org.springframework.data.mongodb.core.query.Query(
                                org.springframework.data.mongodb.core.query.Criteria.where("_id")
                                        .is(call.interactionId())),
                        Interaction.class)
                || card.pendingInteractions().stream().anyMatch(i -> i.id().equals(call.interactionId()))) {
            return;
        }
        var before = store.prepare(card);
        Instant now = Instant.now();
        card.logInteraction(
                new Interaction(
                        call.interactionId(),
                        user.tenantId(),
                        card.getId(),
                        InteractionType.CALL,
                        call.direction(),
                        call.startedAt(),
                        call.durationSeconds(),
                        "phone",
                        null,
                        call.answered() ? "answered" : "missed",
                        call.operatorId(),
                        null,
                        null,
                        null,
                        now,
                        user.userId(),
                        call.recordingUrl()),
                Actors.of(user),
                call.callId());
        store.save(card, before);
    }

    /** A stable id from a caller's key: the same retry yields the same id. */
    public static String derivedId(String purpose, String tenantId, String key) {
        return UUID.nameUUIDFromBytes((purpose + "|" + tenantId + "|" + key).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
