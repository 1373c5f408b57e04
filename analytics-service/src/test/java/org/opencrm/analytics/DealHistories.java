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
        String owner = OWNERS.get(random.nextInt(OWNERS.size()));
        String pipeline = random.nextBoolean() ? "p1" : "p2";
        String currency = random.nextInt(4) == 0 ? "USD" : "EUR";
        Money amount = money(random, currency);
        Instant at = MARCH.plus(random.nextInt(40 * 24 * 60), ChronoUnit.MINUTES);
        var history = new History(tenant, deal, pipeline, owner, amount, at, "new", 0, source, leadId);
        int steps = 1 + random.nextInt(7);
        for (int step = 0; step < steps; step++) {
            history.at = history.at.plus(1 + random.nextInt(3 * 24 * 60), ChronoUnit.MINUTES);
            int choice = random.nextInt(6);
            if (!"OPEN".equals(history.kind)) {
                // a closed deal is reopened into an open stage
                history.reopen("s1", 1, 30, history.amount, 3_600);
            } else if (choice == 0) {
                int to = history.position + 1;
                history.move("s" + to, to, "OPEN", 10 + 20 * to, history.amount, 3_600);
            } else if (choice == 1) {
                history.changeAmount(money(random, currency));
            } else if (choice == 2) {
                history.reassign(OWNERS.get(random.nextInt(OWNERS.size())));
            } else if (choice == 3 || choice == 4) {
                boolean won = choice == 3;
                history.close(won, 9, won ? 100 : 0, history.amount, 3_600);
            }
            // choice 5: nothing happens in this step
        }
        return history.events;
    }

    /**
     * Histories for the funnel, in EUR, with no lead: deals created in s0 (sometimes s1) of four open stages that
     * move forward by one or two stages and back, so that they leave a stage and enter it again, are reassigned,
     * won (position 4) or lost (5) and reopened into s0-s2; times in stage under 1,000 s, an hour, hours to days,
     * and up to months. No appeals.
     */
    public static List<CrmEvent> backAndForth(String tenant, int deals, Random random) {
        List<CrmEvent> events = new ArrayList<>();
        for (int i = 0; i < deals; i++) {
            events.addAll(backAndForthHistory(tenant, "deal-" + i, random));
        }
        return events;
    }

    private static List<CrmEvent> backAndForthHistory(String tenant, String deal, Random random) {
        int openStages = 4;
        String owner = OWNERS.get(random.nextInt(OWNERS.size()));
        String pipeline = random.nextBoolean() ? "p1" : "p2";
        Money amount = money(random, "EUR");
        Instant at = MARCH.plus(random.nextInt(40 * 24 * 60), ChronoUnit.MINUTES);
        int first = random.nextInt(4) == 0 ? 1 : 0;
        var history = new History(tenant, deal, pipeline, owner, amount, at, "s" + first, first, null, null);
        int steps = 2 + random.nextInt(9);
        for (int step = 0; step < steps; step++) {
            long seconds = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(1_000);
                case 1 -> 3_600;
                case 2 -> 1_000 + random.nextInt(500_000);
                default -> 1_000_000 + random.nextInt(20_000_000);
            };
            history.at = history.at.plus(1 + random.nextInt(3 * 24 * 60), ChronoUnit.MINUTES);
            int choice = random.nextInt(7);
            int position = history.position;
            if (!"OPEN".equals(history.kind)) {
                int to = random.nextInt(3);
                history.reopen("s" + to, to, 10 * to, null, seconds);
            } else if (choice <= 1 && position < openStages - 1) {
                int to = Math.min(openStages - 1, position + 1 + random.nextInt(2));
                history.move("s" + to, to, "OPEN", 10 * to, null, seconds);
            } else if (choice == 2 && position > 0) {
                int to = random.nextInt(position);
                history.move("s" + to, to, "OPEN", 10 * to, null, seconds);
            } else if (choice == 3) {
                history.reassign(OWNERS.get(random.nextInt(OWNERS.size())));
            } else if (choice == 4 || choice == 5) {
                int to = choice == 4 ? 4 : 5;
                history.close(choice == 4, to, 10 * to, null, seconds);
            }
        }
        return history.events;
    }

    /** A move of a deal of {@code owner} (in the owner's department), lost ones for "price". */
    public static DealStageChanged stageChanged(
            String tenant,
            String deal,
            String pipeline,
            long version,
            Instant at,
            String owner,
            String from,
            int fromPosition,
            String fromKind,
            String to,
            int toPosition,
            String toKind,
            int probability,
            Money amount,
            long seconds) {
        return new DealStageChanged(
                id(),
                tenant,
                deal,
                version,
                at,
                Actor.user(owner),
                pipeline,
                from,
                to,
                toKind,
                owner,
                DEPARTMENT.get(owner),
                null,
                "LOST".equals(toKind) ? "price" : null,
                null,
                fromKind,
                fromPosition,
                toPosition,
                probability,
                amount,
                seconds);
    }

    /** One deal as its events are recorded: where it stands, and its events so far, created first. */
    private static final class History {
        final List<CrmEvent> events = new ArrayList<>();
        final String tenant;
        final String deal;
        final String pipeline;
        final Instant createdAt;
        String owner;
        Money amount;
        Instant at;
        String stage;
        int position;
        String kind = "OPEN";
        long version = 1;

        History(
                String tenant,
                String deal,
                String pipeline,
                String owner,
                Money amount,
                Instant at,
                String stage,
                int position,
                String source,
                String leadId) {
            this.tenant = tenant;
            this.deal = deal;
            this.pipeline = pipeline;
            this.owner = owner;
            this.amount = amount;
            this.at = at;
            this.createdAt = at;
            this.stage = stage;
            this.position = position;
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
                    position,
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
        }

        void move(String to, int toPosition, String toKind, int probability, Money movedAmount, long seconds) {
            events.add(stageChanged(
                    tenant,
                    deal,
                    pipeline,
                    version++,
                    at,
                    owner,
                    stage,
                    position,
                    kind,
                    to,
                    toPosition,
                    toKind,
                    probability,
                    movedAmount,
                    seconds));
            stage = to;
            position = toPosition;
            kind = toKind;
        }

        void reopen(String to, int toPosition, int probability, Money movedAmount, long seconds) {
            String closed = stage;
            move(to, toPosition, "OPEN", probability, movedAmount, seconds);
            events.add(new DealReopened(
                    id(),
                    tenant,
                    deal,
                    version++,
                    at,
                    Actor.user(owner),
                    pipeline,
                    closed,
                    to,
                    null,
                    owner,
                    DEPARTMENT.get(owner),
                    amount));
        }

        void close(boolean won, int toPosition, int probability, Money movedAmount, long seconds) {
            String from = stage;
            String closed = won ? "won" : "lost";
            move(closed, toPosition, won ? "WON" : "LOST", probability, movedAmount, seconds);
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
                                    closed,
                                    from,
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
                                    closed,
                                    from,
                                    "price",
                                    null,
                                    owner,
                                    DEPARTMENT.get(owner),
                                    amount,
                                    createdAt));
        }

        void changeAmount(Money to) {
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
                    amount,
                    to));
            amount = to;
        }

        void reassign(String to) {
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
        }
    }

    private static Money money(Random random, String currency) {
        return new Money(BigDecimal.valueOf(10_000 + random.nextInt(500_000), 2), currency);
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
