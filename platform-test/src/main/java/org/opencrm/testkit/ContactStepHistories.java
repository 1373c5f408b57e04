package org.opencrm.testkit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Direction;
import org.opencrm.events.calls.CallEnded;
import org.opencrm.events.calls.CallStarted;
import org.opencrm.events.contacts.ContactCreated;
import org.opencrm.events.contacts.ContactDetails;
import org.opencrm.events.contacts.ContactErased;
import org.opencrm.events.contacts.ContactUpdated;
import org.opencrm.events.contacts.ContactsMerged;
import org.opencrm.events.contacts.InteractionLogged;
import org.opencrm.events.contacts.InteractionType;
import org.opencrm.events.contacts.LeadReceived;

/**
 * Client-card and call histories for the consumers' redelivery properties (issue #12 item 4): cards of department
 * {@code d1} owned by {@code rep}, created, renamed, with interactions and leads, then merged and erased, as
 * contacts-service would publish them (one version sequence per card, the card's id as key); and calls as the
 * telephony adapter publishes them.
 */
public final class ContactStepHistories {

    /** A step after a card's creation, an hour after the one before. */
    public enum Step {
        /** a new display name ({@code ContactUpdated}) */
        RENAME,
        /** a call to the client by {@code rep} logged on the card ({@code InteractionLogged}) */
        INTERACTION,
        /** a web lead for the existing card ({@code LeadReceived}) */
        LEAD
    }

    /** A call from one client's number: {@code CallStarted} (version 1), {@code CallEnded} (version 2). */
    public record Call(String operatorId, String contactId, Direction direction, boolean answered) {}

    private ContactStepHistories() {}

    /** The id of card number {@code c} of the tenant's history. */
    public static String contactId(String tenant, int c) {
        return "contact-" + c + "-" + tenant;
    }

    /**
     * The events of the cards: card {@code c} is created at {@code start} plus {@code c} minutes as "Client c" and
     * takes its steps; a day later come the merges, then the erasure.
     *
     * @param merges per merge, card {@code k} (modulo the number of cards) absorbs the card after it (its
     *     {@code ContactsMerged}, on the survivor's key, names the survivor with both names); skipped when either
     *     card was merged away already (a tombstone absorbs nothing and is absorbed once), so merges chain: card 1
     *     into 0, then 0 into 3
     * @param erased the card erased at the end ({@code ContactErased}), none if not below the number of cards
     */
    public static List<CrmEvent> contacts(
            String tenant, Instant start, List<List<Step>> contacts, List<Integer> merges, int erased) {
        var actor = Actor.user("rep");
        List<CrmEvent> events = new ArrayList<>();
        Map<String, Long> versions = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        int n = contacts.size();
        for (int c = 0; c < n; c++) {
            String contact = contactId(tenant, c);
            Instant at = start.plus(c, ChronoUnit.MINUTES);
            names.put(contact, "Client " + c);
            events.add(new ContactCreated(
                    id(),
                    tenant,
                    contact,
                    next(versions, contact),
                    at,
                    actor,
                    "PERSON",
                    "rep",
                    "d1",
                    "web",
                    null,
                    null,
                    details(names.get(contact))));
            for (Step step : contacts.get(c)) {
                at = at.plus(1, ChronoUnit.HOURS);
                long version = next(versions, contact);
                switch (step) {
                    case RENAME -> {
                        names.put(contact, "Client " + c + " v" + version);
                        events.add(new ContactUpdated(
                                id(),
                                tenant,
                                contact,
                                version,
                                at,
                                actor,
                                List.of("displayName"),
                                "rep",
                                "d1",
                                null,
                                null,
                                details(names.get(contact))));
                    }
                    case INTERACTION ->
                        events.add(new InteractionLogged(
                                id(),
                                tenant,
                                contact,
                                version,
                                at,
                                actor,
                                id(),
                                InteractionType.CALL,
                                Direction.OUTBOUND,
                                at,
                                60L,
                                "phone",
                                "reached",
                                "rep",
                                "d1",
                                null,
                                null,
                                null));
                    case LEAD ->
                        events.add(new LeadReceived(
                                id(), tenant, contact, version, at, actor, id(), false, "web", null, null, "d1", null));
                }
            }
        }
        Instant later = start.plus(1, ChronoUnit.DAYS);
        List<String> mergedAway = new ArrayList<>();
        for (int k : merges) {
            String survivor = contactId(tenant, k % n);
            String merged = contactId(tenant, (k + 1) % n);
            if (n < 2 || mergedAway.contains(merged) || mergedAway.contains(survivor)) {
                continue;
            }
            mergedAway.add(merged);
            later = later.plus(1, ChronoUnit.HOURS);
            names.put(survivor, names.get(survivor) + " & " + names.get(merged));
            events.add(new ContactsMerged(
                    id(),
                    tenant,
                    survivor,
                    next(versions, survivor),
                    later,
                    actor,
                    merged,
                    "rep",
                    "d1",
                    null,
                    details(names.get(survivor))));
        }
        if (erased >= 0 && erased < n) {
            String contact = contactId(tenant, erased);
            events.add(new ContactErased(
                    id(), tenant, contact, next(versions, contact), later.plus(1, ChronoUnit.HOURS), actor));
        }
        return events;
    }

    /** The calls' events, call {@code k} ({@code call-<k>-<tenant>}) starting {@code 7 * k} minutes after start. */
    public static List<CrmEvent> calls(String tenant, Instant start, List<Call> calls) {
        var telephony = Actor.system("telephony");
        List<CrmEvent> events = new ArrayList<>();
        for (int k = 0; k < calls.size(); k++) {
            var call = calls.get(k);
            String id = "call-" + k + "-" + tenant;
            Instant started = start.plus(7L * k, ChronoUnit.MINUTES);
            Instant ended = started.plusSeconds(90);
            List<String> contacts = call.contactId() == null ? List.of() : List.of(call.contactId());
            events.add(new CallStarted(
                    id(),
                    tenant,
                    id,
                    1,
                    started,
                    telephony,
                    "ext-" + k,
                    call.direction(),
                    call.operatorId(),
                    contacts,
                    started));
            events.add(new CallEnded(
                    id(),
                    tenant,
                    id,
                    2,
                    ended,
                    telephony,
                    "ext-" + k,
                    call.direction(),
                    call.operatorId(),
                    contacts,
                    started,
                    ended,
                    call.answered() ? 80 : 0,
                    call.answered(),
                    null));
        }
        return events;
    }

    private static long next(Map<String, Long> versions, String contact) {
        return versions.merge(contact, 1L, Long::sum);
    }

    private static ContactDetails details(String name) {
        return new ContactDetails(name, "Berlin", null);
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
