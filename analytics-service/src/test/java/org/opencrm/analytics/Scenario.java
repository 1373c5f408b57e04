package org.opencrm.analytics;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Direction;
import org.opencrm.events.Money;
import org.opencrm.events.calls.CallEnded;
import org.opencrm.events.calls.CallStarted;
import org.opencrm.events.contacts.ContactCreated;
import org.opencrm.events.contacts.ContactDetails;
import org.opencrm.events.contacts.InteractionLogged;
import org.opencrm.events.contacts.InteractionType;
import org.opencrm.events.contacts.LeadReceived;
import org.opencrm.events.contacts.Utm;
import org.opencrm.events.deals.DealAmountChanged;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.events.deals.DealLost;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.events.deals.DealWon;
import org.opencrm.events.tasks.ReassignmentReason;
import org.opencrm.events.tasks.TaskCancelled;
import org.opencrm.events.tasks.TaskCompleted;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.events.tasks.TaskOverdue;
import org.opencrm.events.tasks.TaskReassigned;
import org.opencrm.events.teams.TeamMember;
import org.opencrm.events.teams.TeamUpdated;

/**
 * A scripted month of one tenant (March 2026, UTC), with the figures it must give. Reps m1 and m2 work in
 * department d1, m3 in d2; pipeline p1 has the stages new (10%), measure (40%), approval (70%), won and lost.
 *
 * <ul>
 *   <li>Leads: L1 (client c1, website), L2 (c2, website), L3 (c3, ads), L4 (c4, website, no deal).
 *   <li>D1 from L1 (m1, 1000 EUR): new -> measure -> approval -> won, created 03-02 09:10, won 03-06 09:10.
 *   <li>D2 from L2 (m1, 500 EUR): new -> measure -> lost ("price").
 *   <li>D3 from L3 (m3, d2, 2000 then 2500 EUR): new -> measure, open.
 *   <li>D4 without lead or source (m2, 300 EUR): new, open.
 *   <li>Calls: m1 calls c1 20 min after L1 (also logged as an interaction) and c2 50 min after L2, misses an
 *       inbound call of c1; m3 calls c3 10 min after L3; m2 logs a call to c4 a day after L4.
 *   <li>Tasks: m1 completes T1 on time and lets T2 go overdue (escalated to m2, who completes it); m2 completes
 *       T3 late; m3's T4 is cancelled and T5 completed early.
 *   <li>Appeals: "delivery" twice, "pricing" once.
 * </ul>
 *
 * Names, addresses, phones, e-mails and comments travel in the events (card details, deal titles, stage
 * comments, task titles, team members) so a test can prove none of them is stored.
 */
final class Scenario {

    static final String CLIENT_NAME = "Anna Schmidt";
    static final String CLIENT_PHONE = "+49 170 1234567";
    static final String CLIENT_EMAIL = "anna.schmidt@example.com";
    static final String CLIENT_ADDRESS = "Lindenstrasse 12, 10969 Berlin";
    static final String MEMBER_NAME = "Maria Verkauf";
    static final String MEMBER_EMAIL = "maria.verkauf@crm.example";
    static final String MEMBER_PHONE = "+49 30 5550101";

    final String tenant = "tenant-" + UUID.randomUUID();
    final String suffix = UUID.randomUUID().toString().substring(0, 8);
    final List<CrmEvent> events = new ArrayList<>();
    private final Map<String, Long> versions = new HashMap<>();

    final String c1 = id("contact-c1");
    final String c2 = id("contact-c2");
    final String c3 = id("contact-c3");
    final String c4 = id("contact-c4");
    final String d1 = id("deal-d1");
    final String d2 = id("deal-d2");
    final String d3 = id("deal-d3");
    final String d4 = id("deal-d4");

    Scenario() {
        team("d1", List.of("m1", "m2"));
        team("d2", List.of("m3"));

        contact(c1, "2026-03-02T09:00:00Z");
        lead(c1, "L1", "website", "d1", "2026-03-02T09:00:00Z");
        contact(c2, "2026-03-03T10:00:00Z");
        lead(c2, "L2", "website", "d1", "2026-03-03T10:00:00Z");
        contact(c3, "2026-03-04T11:00:00Z");
        lead(c3, "L3", "ads", "d2", "2026-03-04T11:00:00Z");
        contact(c4, "2026-03-05T12:00:00Z");
        lead(c4, "L4", "website", "d1", "2026-03-05T12:00:00Z");

        created(d1, c1, "L1", "website", "m1", "d1", "1000.00", "2026-03-02T09:10:00Z");
        moved(d1, c1, "m1", "d1", "1000.00", "new", 0, "measure", 1, 40, "OPEN", 86_400, "2026-03-03T09:10:00Z");
        moved(d1, c1, "m1", "d1", "1000.00", "measure", 1, "approval", 2, 70, "OPEN", 86_400, "2026-03-04T09:10:00Z");
        moved(d1, c1, "m1", "d1", "1000.00", "approval", 2, "won", 3, 100, "WON", 172_800, "2026-03-06T09:10:00Z");
        won(d1, c1, "m1", "d1", "1000.00", "approval", "2026-03-02T09:10:00Z", "2026-03-06T09:10:00Z");

        created(d2, c2, "L2", "website", "m1", "d1", "500.00", "2026-03-03T10:10:00Z");
        moved(d2, c2, "m1", "d1", "500.00", "new", 0, "measure", 1, 40, "OPEN", 86_400, "2026-03-04T10:10:00Z");
        moved(d2, c2, "m1", "d1", "500.00", "measure", 1, "lost", 4, 0, "LOST", 172_800, "2026-03-06T10:10:00Z");
        lost(d2, c2, "m1", "d1", "500.00", "measure", "2026-03-03T10:10:00Z", "2026-03-06T10:10:00Z");

        created(d3, c3, "L3", "ads", "m3", "d2", "2000.00", "2026-03-04T11:10:00Z");
        moved(d3, c3, "m3", "d2", "2000.00", "new", 0, "measure", 1, 40, "OPEN", 86_400, "2026-03-05T11:10:00Z");
        add(new DealAmountChanged(
                eventId(),
                tenant,
                d3,
                next(d3),
                at("2026-03-07T10:00:00Z"),
                Actor.user("m3"),
                "p1",
                "measure",
                c3,
                "m3",
                "d2",
                money("2000.00"),
                money("2500.00")));

        created(d4, null, null, null, "m2", "d1", "300.00", "2026-03-10T08:00:00Z");

        call("K1", c1, "m1", Direction.OUTBOUND, true, "2026-03-02T09:30:00Z");
        interaction(c1, InteractionType.CALL, "m1", "d1", "K1", null, "2026-03-02T09:30:00Z");
        call("K2", c2, "m1", Direction.OUTBOUND, true, "2026-03-03T10:50:00Z");
        call("K3", c3, "m3", Direction.OUTBOUND, true, "2026-03-04T11:10:00Z");
        call("K4", c1, "m1", Direction.INBOUND, false, "2026-03-08T15:00:00Z");
        interaction(c4, InteractionType.CALL, "m2", "d1", null, null, "2026-03-06T12:00:00Z");
        interaction(c1, InteractionType.EMAIL, "m1", "d1", null, null, "2026-03-04T08:00:00Z");
        interaction(c4, InteractionType.APPEAL, "m2", "d1", null, "delivery", "2026-03-12T09:00:00Z");
        interaction(c3, InteractionType.APPEAL, "m3", "d2", null, "delivery", "2026-03-13T09:00:00Z");
        interaction(c3, InteractionType.APPEAL, "m3", "d2", null, "pricing", "2026-03-14T09:00:00Z");

        String t1 = task("T1", "m1", "d1", d1, "2026-03-03T12:00:00Z", "2026-03-02T10:00:00Z");
        completed(t1, "m1", "d1", d1, "2026-03-03T12:00:00Z", "2026-03-03T11:00:00Z");
        String t2 = task("T2", "m1", "d1", d1, "2026-03-05T12:00:00Z", "2026-03-03T11:00:00Z");
        add(new TaskOverdue(
                eventId(),
                tenant,
                t2,
                next(t2),
                at("2026-03-05T12:01:00Z"),
                Actor.system("tasks-service"),
                "Call " + CLIENT_NAME,
                "m1",
                "d1",
                at("2026-03-05T12:00:00Z"),
                "HIGH",
                d1,
                c1));
        add(new TaskReassigned(
                eventId(),
                tenant,
                t2,
                next(t2),
                at("2026-03-05T13:00:00Z"),
                Actor.system("tasks-service"),
                "m1",
                "m2",
                "d1",
                ReassignmentReason.OVERDUE_ESCALATION,
                "Call " + CLIENT_NAME,
                at("2026-03-05T12:00:00Z"),
                d1,
                c1));
        completed(t2, "m2", "d1", d1, "2026-03-05T12:00:00Z", "2026-03-05T15:00:00Z");
        String t3 = task("T3", "m2", "d1", d4, "2026-03-07T12:00:00Z", "2026-03-06T09:00:00Z");
        completed(t3, "m2", "d1", d4, "2026-03-07T12:00:00Z", "2026-03-07T13:00:00Z");
        String t4 = task("T4", "m3", "d2", d3, "2026-03-08T12:00:00Z", "2026-03-05T09:00:00Z");
        add(new TaskCancelled(
                eventId(),
                tenant,
                t4,
                next(t4),
                at("2026-03-07T09:00:00Z"),
                Actor.user("m3"),
                "MANUAL",
                "m3",
                "d2",
                d3,
                c3));
        String t5 = task("T5", "m3", "d2", d3, "2026-03-09T12:00:00Z", "2026-03-05T09:00:00Z");
        completed(t5, "m3", "d2", d3, "2026-03-09T12:00:00Z", "2026-03-09T10:00:00Z");
    }

    /** Every raw client id: they must be stored only as pseudonyms. */
    List<String> contactIds() {
        return List.of(c1, c2, c3, c4);
    }

    private void team(String department, List<String> members) {
        add(new TeamUpdated(
                eventId(),
                tenant,
                department,
                next(department),
                at("2026-03-01T08:00:00Z"),
                Actor.user("admin"),
                "Sales " + department,
                true,
                List.of(),
                members.stream()
                        .map(m -> new TeamMember(
                                m,
                                MEMBER_NAME,
                                MEMBER_EMAIL,
                                MEMBER_PHONE,
                                List.of("MANAGER"),
                                "Europe/Berlin",
                                "de",
                                true,
                                null))
                        .toList()));
    }

    private void contact(String contact, String at) {
        add(new ContactCreated(
                eventId(),
                tenant,
                contact,
                next(contact),
                at(at),
                Actor.integration("web-forms"),
                "PERSON",
                null,
                null,
                "website",
                null,
                null,
                new ContactDetails(CLIENT_NAME, "Berlin", CLIENT_ADDRESS)));
    }

    private void lead(String contact, String lead, String source, String department, String at) {
        add(new LeadReceived(
                eventId(),
                tenant,
                contact,
                next(contact),
                at(at),
                Actor.integration("web-forms"),
                id(lead),
                true,
                source,
                new Utm(source, "cpc", "spring-sale", null, null),
                "form-1",
                department,
                id("message")));
    }

    private void created(
            String deal,
            String contact,
            String lead,
            String source,
            String owner,
            String department,
            String amount,
            String at) {
        add(new DealCreated(
                eventId(),
                tenant,
                deal,
                next(deal),
                at(at),
                Actor.user(owner),
                "p1",
                "new",
                "OPEN",
                0,
                10,
                "Windows for " + CLIENT_NAME,
                contact,
                null,
                owner,
                department,
                money(amount),
                source,
                lead == null ? null : id(lead),
                null));
    }

    private void moved(
            String deal,
            String contact,
            String owner,
            String department,
            String amount,
            String from,
            int fromPosition,
            String to,
            int toPosition,
            int probability,
            String toKind,
            long seconds,
            String at) {
        add(new DealStageChanged(
                eventId(),
                tenant,
                deal,
                next(deal),
                at(at),
                Actor.user(owner),
                "p1",
                from,
                to,
                toKind,
                owner,
                department,
                "Spoke with " + CLIENT_NAME + ", " + CLIENT_PHONE + ", " + CLIENT_EMAIL,
                "LOST".equals(toKind) ? "price" : null,
                contact,
                "OPEN",
                fromPosition,
                toPosition,
                probability,
                money(amount),
                seconds));
    }

    private void won(
            String deal,
            String contact,
            String owner,
            String department,
            String amount,
            String previous,
            String createdAt,
            String at) {
        add(new DealWon(
                eventId(),
                tenant,
                deal,
                next(deal),
                at(at),
                Actor.user(owner),
                "p1",
                "won",
                previous,
                contact,
                owner,
                department,
                money(amount),
                at(createdAt)));
    }

    private void lost(
            String deal,
            String contact,
            String owner,
            String department,
            String amount,
            String previous,
            String createdAt,
            String at) {
        add(new DealLost(
                eventId(),
                tenant,
                deal,
                next(deal),
                at(at),
                Actor.user(owner),
                "p1",
                "lost",
                previous,
                "price",
                contact,
                owner,
                department,
                money(amount),
                at(createdAt)));
    }

    private void call(String call, String contact, String operator, Direction direction, boolean answered, String at) {
        String callId = id(call);
        add(new CallStarted(
                eventId(),
                tenant,
                callId,
                next(callId),
                at(at),
                Actor.integration("pbx"),
                "pbx-" + call,
                direction,
                operator,
                List.of(contact),
                at(at)));
        add(new CallEnded(
                eventId(),
                tenant,
                callId,
                next(callId),
                at(at).plusSeconds(120),
                Actor.integration("pbx"),
                "pbx-" + call,
                direction,
                operator,
                List.of(contact),
                at(at),
                at(at).plusSeconds(120),
                answered ? 120 : 0,
                answered,
                null));
    }

    private void interaction(
            String contact,
            InteractionType type,
            String user,
            String department,
            String call,
            String topic,
            String at) {
        add(new InteractionLogged(
                eventId(),
                tenant,
                contact,
                next(contact),
                at(at),
                Actor.user(user),
                id("interaction"),
                type,
                Direction.OUTBOUND,
                at(at),
                60L,
                "phone",
                "REACHED",
                user,
                department,
                null,
                topic,
                call == null ? null : id(call)));
    }

    private String task(String task, String assignee, String department, String deal, String due, String at) {
        String taskId = id(task);
        add(new TaskCreated(
                eventId(),
                tenant,
                taskId,
                next(taskId),
                at(at),
                Actor.user(assignee),
                "Call " + CLIENT_NAME + " at " + CLIENT_PHONE,
                "CALL",
                assignee,
                department,
                at(due),
                "NORMAL",
                deal,
                null,
                null,
                null));
        return taskId;
    }

    private void completed(String task, String assignee, String department, String deal, String due, String at) {
        add(new TaskCompleted(
                eventId(),
                tenant,
                task,
                next(task),
                at(at),
                Actor.user(assignee),
                "CALL",
                assignee,
                department,
                at(due),
                "DONE",
                deal,
                null,
                null,
                false));
    }

    private void add(CrmEvent event) {
        events.add(event);
    }

    private long next(String aggregate) {
        return versions.merge(aggregate, 1L, Long::sum);
    }

    private String id(String name) {
        return name + "-" + suffix
                + ("interaction".equals(name) || "message".equals(name) ? "-" + UUID.randomUUID() : "");
    }

    private static String eventId() {
        return UUID.randomUUID().toString();
    }

    private static Instant at(String instant) {
        return Instant.parse(instant);
    }

    private static Money money(String amount) {
        return new Money(new BigDecimal(amount), "EUR");
    }
}
