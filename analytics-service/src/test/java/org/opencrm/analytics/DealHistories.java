package org.opencrm.analytics;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Direction;
import org.opencrm.events.Money;
import org.opencrm.events.contacts.InteractionLogged;
import org.opencrm.events.contacts.InteractionType;
import org.opencrm.events.contacts.LeadReceived;
import org.opencrm.events.deals.DealAmountChanged;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.events.deals.DealLost;
import org.opencrm.events.deals.DealReassigned;
import org.opencrm.events.deals.DealReopened;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.events.deals.DealWon;

/**
 * Random deal histories of one tenant in March and April 2026: reps m1, m2 (department d1), m3, m4 (d2), pipelines
 * p1 and p2, EUR and USD; deals move forward, change amounts, are reassigned (across departments too), won or
 * lost, reopened and closed again; and appeals about half as many, by a rep or nobody, with a topic or none.
 */
public final class DealHistories {

    private static final List<String> OWNERS = List.of("m1", "m2", "m3", "m4");
    private static final Map<String, String> DEPARTMENT = Map.of("m1", "d1", "m2", "d1", "m3", "d2", "m4", "d2");
    private static final Instant MARCH = Instant.parse("2026-03-01T00:00:00Z");

    private DealHistories() {}

    /** The events of {@code deals} deals, each deal's in its order. */
    public static List<CrmEvent> random(String tenant, int deals, Random random) {
        List<CrmEvent> events = new ArrayList<>();
        for (int i = 0; i < deals; i++) {
            events.addAll(history(tenant, "deal-" + i, random, null, null));
            if (random.nextBoolean()) {
                events.add(appeal(tenant, random));
            }
        }
        return events;
    }

    /**
     * Leads and deals with lead sources: per deal a lead (most of the time) from one of three sources or none,
     * routed to a department or none, and the deal made from it with the lead's source (or another, as a card's
     * source may differ) a few hours to days later; some leads become no deal and a few two deals; the deals'
     * histories as in {@link #random}.
     */
    public static List<CrmEvent> randomWithLeads(String tenant, int deals, Random random) {
        List<CrmEvent> events = new ArrayList<>();
        List<String> sources = java.util.Arrays.asList("web", "ads", "partner", null);
        String previousLead = null;
        for (int i = 0; i < deals; i++) {
            String source = sources.get(random.nextInt(sources.size()));
            String leadId = null;
            if (previousLead != null && random.nextInt(10) == 0) {
                leadId = previousLead;
            } else if (random.nextInt(5) != 0) {
                leadId = "lead-" + i;
                String department = random.nextInt(6) == 0 ? null : random.nextBoolean() ? "d1" : "d2";
                Instant at = MARCH.plus(random.nextInt(40 * 24 * 60), ChronoUnit.MINUTES);
                events.add(new LeadReceived(
                        id(),
                        tenant,
                        "contact-" + i,
                        1,
                        at,
                        Actor.system("intake"),
                        leadId,
                        random.nextBoolean(),
                        source,
                        null,
                        null,
                        department,
                        null));
                if (random.nextInt(4) == 0) {
                    previousLead = leadId;
                    // a lead that became no deal
                    continue;
                }
                previousLead = leadId;
            }
            String dealSource = random.nextInt(8) == 0 ? sources.get(random.nextInt(sources.size())) : source;
            events.addAll(history(tenant, "deal-" + i, random, dealSource, leadId));
        }
        return events;
    }

    /** An appeal logged by a rep (or by nobody), in their department or none, with a topic or none. */
    private static CrmEvent appeal(String tenant, Random random) {
        String user = random.nextInt(8) == 0 ? null : OWNERS.get(random.nextInt(OWNERS.size()));
        String department = user == null || random.nextInt(5) == 0 ? null : DEPARTMENT.get(user);
        String topic = random.nextInt(6) == 0
                ? null
                : List.of("delivery", "pricing", "quality").get(random.nextInt(3));
        Instant at = MARCH.plus(random.nextInt(40 * 24 * 60), ChronoUnit.MINUTES);
        return new InteractionLogged(
                id(),
                tenant,
                "contact-" + random.nextInt(20),
                1 + random.nextInt(1000),
                at,
                user == null ? Actor.system("intake") : Actor.user(user),
                id(),
                InteractionType.APPEAL,
                Direction.INBOUND,
                at,
                null,
                "phone",
                null,
                user,
                department,
                null,
                topic,
                null);
    }

    /** One deal's events: created, then moves, amount changes, reassignments, closings and reopenings. */
    private static List<CrmEvent> history(String tenant, String deal, Random random, String source, String leadId) {
        List<CrmEvent> events = new ArrayList<>();
        String owner = OWNERS.get(random.nextInt(OWNERS.size()));
        String pipeline = random.nextBoolean() ? "p1" : "p2";
        String currency = random.nextInt(4) == 0 ? "USD" : "EUR";
        Money amount = money(random, currency);
        Instant at = MARCH.plus(random.nextInt(40 * 24 * 60), ChronoUnit.MINUTES);
        Instant createdAt = at;
        long version = 1;
        int position = 0;
        String stage = "new";
        String kind = "OPEN";
        events.add(new DealCreated(
                id(),
                tenant,
                deal,
                version++,
                at,
                Actor.user(owner),
                pipeline,
                stage,
                kind,
                0,
                10,
                null,
                null,
                null,
                owner,
                DEPARTMENT.get(owner),
                amount,
                source,
                leadId,
                null));
        int steps = 1 + random.nextInt(7);
        for (int step = 0; step < steps; step++) {
            at = at.plus(1 + random.nextInt(3 * 24 * 60), ChronoUnit.MINUTES);
            int choice = random.nextInt(6);
            if (!"OPEN".equals(kind)) {
                // a closed deal is reopened into an open stage
                String reopenedTo = "s1";
                events.add(new DealStageChanged(
                        id(),
                        tenant,
                        deal,
                        version++,
                        at,
                        Actor.user(owner),
                        pipeline,
                        stage,
                        reopenedTo,
                        "OPEN",
                        owner,
                        DEPARTMENT.get(owner),
                        null,
                        null,
                        null,
                        kind,
                        position,
                        1,
                        30,
                        amount,
                        3_600));
                events.add(new DealReopened(
                        id(),
                        tenant,
                        deal,
                        version++,
                        at,
                        Actor.user(owner),
                        pipeline,
                        stage,
                        reopenedTo,
                        null,
                        owner,
                        DEPARTMENT.get(owner),
                        amount));
                stage = reopenedTo;
                kind = "OPEN";
                position = 1;
            } else if (choice == 0) {
                int to = position + 1;
                events.add(new DealStageChanged(
                        id(),
                        tenant,
                        deal,
                        version++,
                        at,
                        Actor.user(owner),
                        pipeline,
                        stage,
                        "s" + to,
                        "OPEN",
                        owner,
                        DEPARTMENT.get(owner),
                        null,
                        null,
                        null,
                        "OPEN",
                        position,
                        to,
                        10 + 20 * to,
                        amount,
                        3_600));
                stage = "s" + to;
                position = to;
            } else if (choice == 1) {
                Money previous = amount;
                amount = money(random, currency);
                events.add(new DealAmountChanged(
                        id(),
                        tenant,
                        deal,
                        version++,
                        at,
                        Actor.user(owner),
                        pipeline,
                        stage,
                        null,
                        owner,
                        DEPARTMENT.get(owner),
                        previous,
                        amount));
            } else if (choice == 2) {
                String to = OWNERS.get(random.nextInt(OWNERS.size()));
                events.add(new DealReassigned(
                        id(),
                        tenant,
                        deal,
                        version++,
                        at,
                        Actor.user(owner),
                        pipeline,
                        null,
                        owner,
                        to,
                        DEPARTMENT.get(owner),
                        DEPARTMENT.get(to)));
                owner = to;
            } else if (choice == 3 || choice == 4) {
                boolean won = choice == 3;
                String closedKind = won ? "WON" : "LOST";
                String closedStage = won ? "won" : "lost";
                events.add(new DealStageChanged(
                        id(),
                        tenant,
                        deal,
                        version++,
                        at,
                        Actor.user(owner),
                        pipeline,
                        stage,
                        closedStage,
                        closedKind,
                        owner,
                        DEPARTMENT.get(owner),
                        null,
                        won ? null : "price",
                        null,
                        "OPEN",
                        position,
                        9,
                        won ? 100 : 0,
                        amount,
                        3_600));
                events.add(
                        won
                                ? new DealWon(
                                        id(),
                                        tenant,
                                        deal,
                                        version++,
                                        at,
                                        Actor.user(owner),
                                        pipeline,
                                        closedStage,
                                        stage,
                                        null,
                                        owner,
                                        DEPARTMENT.get(owner),
                                        amount,
                                        createdAt)
                                : new DealLost(
                                        id(),
                                        tenant,
                                        deal,
                                        version++,
                                        at,
                                        Actor.user(owner),
                                        pipeline,
                                        closedStage,
                                        stage,
                                        "price",
                                        null,
                                        owner,
                                        DEPARTMENT.get(owner),
                                        amount,
                                        createdAt));
                stage = closedStage;
                kind = closedKind;
                position = 9;
            }
            // choice 5: nothing happens in this step
        }
        return events;
    }

    private static Money money(Random random, String currency) {
        return new Money(BigDecimal.valueOf(10_000 + random.nextInt(500_000), 2), currency);
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
