package org.opencrm.bench;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Direction;
import org.opencrm.events.Money;
import org.opencrm.events.calls.CallEnded;
import org.opencrm.events.contacts.InteractionLogged;
import org.opencrm.events.contacts.InteractionType;
import org.opencrm.events.contacts.LeadReceived;
import org.opencrm.events.contacts.Utm;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.events.deals.DealLost;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.events.deals.DealWon;
import org.opencrm.events.tasks.TaskCompleted;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.events.tasks.TaskOverdue;
import org.opencrm.events.teams.TeamMember;
import org.opencrm.events.teams.TeamUpdated;

/**
 * B3's event history: a year of one tenant's sales, as the services would publish it. Each "story" {@code i} is
 * one client: a lead from one of six sources (80% of stories), a deal in one of two pipelines owned by one of
 * 50 reps in 5 departments, moved forward (sometimes back) through its open stages, then won (30%), lost (30%)
 * or left open; one or two calls, each both as telephony's {@code CallEnded} and as a logged CALL interaction;
 * sometimes an e-mail or an appeal on one of five topics; one or two tasks, completed on time, late or gone
 * overdue. About 10 events per story on average. Deterministic: story {@code i} is the same in every run.
 *
 * <p>Every id contains the marker {@link #MARK} so the stored facts of a story can be copied as other stories
 * ({@link AnalyticsBench}); amounts, names and comments never reach analytics' documents.
 */
final class AnalyticsHistory {

    static final String TENANT = "bench-analytics";
    static final String MARK = "~0~";
    static final LocalDate FIRST_DAY = LocalDate.of(2025, 11, 23);
    static final LocalDate LAST_DAY = FIRST_DAY.plusDays(364);
    static final List<String> DEPARTMENTS = List.of("d1", "d2", "d3", "d4", "d5");
    static final int REPS = 50;
    static final List<String> SOURCES = List.of("website", "ads", "referral", "phone", "partner", "fair");
    static final List<String> TOPICS = List.of("delivery", "pricing", "warranty", "installation", "billing");
    static final List<String> LOSS_REASONS = List.of("price", "competitor", "timing", "no-budget");

    /** A pipeline's open stages in order, with their probabilities; won and lost follow them. */
    record Pipeline(String id, List<String> open, List<Integer> probabilities) {
        int wonPosition() {
            return open.size();
        }

        int lostPosition() {
            return open.size() + 1;
        }
    }

    static final List<Pipeline> PIPELINES = List.of(
            new Pipeline(
                    "p1", List.of("new", "qualified", "measure", "proposal", "approval"), List.of(10, 20, 40, 60, 80)),
            new Pipeline("p2", List.of("new", "demo", "offer", "negotiation"), List.of(10, 30, 50, 75)));

    /** What the stories 0..n-1 add up to, for a plausibility check of the service's figures. */
    static final class Tally {
        long events;
        long won;
        long lost;
        long leads;
    }

    private AnalyticsHistory() {}

    static String rep(int r) {
        return String.format("u%02d", r);
    }

    static String departmentOf(int rep) {
        return DEPARTMENTS.get(rep % DEPARTMENTS.size());
    }

    /** One TeamUpdated per department with its reps (members' names, e-mails and phones included, as published). */
    static void teams(Consumer<CrmEvent> sink) {
        Instant at = FIRST_DAY.atStartOfDay(ZoneOffset.UTC).toInstant();
        for (int d = 0; d < DEPARTMENTS.size(); d++) {
            List<TeamMember> members = new ArrayList<>();
            for (int r = d; r < REPS; r += DEPARTMENTS.size()) {
                members.add(new TeamMember(
                        rep(r),
                        "Rep " + r,
                        "rep" + r + "@bench.example",
                        "+49 30 555" + r,
                        List.of("MANAGER"),
                        "Europe/Berlin",
                        "de",
                        true,
                        null));
            }
            sink.accept(new TeamUpdated(
                    UUID.randomUUID().toString(),
                    TENANT,
                    DEPARTMENTS.get(d),
                    1,
                    at,
                    Actor.user("bench-admin"),
                    "Team " + d,
                    true,
                    List.of(rep(d)),
                    members));
        }
    }

    /** The events of story {@code i}, in the order the services would publish them. */
    static void story(int i, Consumer<CrmEvent> sink, Tally tally) {
        var random = new SplittableRandom(0x0b3L * 1_000_003L + i);
        String n = MARK + i;
        String contact = "contact" + n;
        String deal = "deal" + n;
        int rep = random.nextInt(REPS);
        String owner = rep(rep);
        String department = departmentOf(rep);
        var pipeline = PIPELINES.get(random.nextInt(10) < 7 ? 0 : 1);
        Actor actor = Actor.user(owner);
        long[] contactVersion = {0};
        Consumer<CrmEvent> counted = e -> {
            tally.events++;
            sink.accept(e);
        };

        long secondOfYear = random.nextLong(330L * 86_400L);
        Instant start = FIRST_DAY.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(secondOfYear);
        Instant end = LAST_DAY.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();

        String lead = null;
        String source = null;
        if (random.nextInt(10) < 8) {
            lead = "lead" + n;
            source = SOURCES.get(random.nextInt(SOURCES.size()));
            tally.leads++;
            counted.accept(new LeadReceived(
                    id(n, 0),
                    TENANT,
                    contact,
                    ++contactVersion[0],
                    start,
                    Actor.system("forms"),
                    lead,
                    true,
                    source,
                    new Utm(source, "cpc", "campaign-" + random.nextInt(12), null, null),
                    "form-" + random.nextInt(4),
                    department,
                    null));
        }

        // the first call: the rep answers the lead within minutes to hours
        Instant firstCall = start.plusSeconds(300 + random.nextLong(4 * 3600));
        call(n, 1, contact, contactVersion, owner, department, deal, firstCall, random, counted);

        Money amount = new Money(BigDecimal.valueOf(500 + random.nextInt(200) * 100L, 0), "EUR");
        Instant created = firstCall.plusSeconds(600 + random.nextLong(86_400));
        long version = 1;
        counted.accept(new DealCreated(
                id(n, 10),
                TENANT,
                deal,
                version,
                created,
                actor,
                pipeline.id(),
                pipeline.open().get(0),
                "OPEN",
                0,
                pipeline.probabilities().get(0),
                "Kitchen for client " + i,
                contact,
                null,
                owner,
                department,
                amount,
                source,
                lead,
                null));

        int position = 0;
        Instant at = created;
        Instant enteredAt = created;
        int outcome = random.nextInt(10); // 0-2 won, 3-5 lost, else open
        int target = outcome < 3
                ? pipeline.open().size() - 1
                : random.nextInt(pipeline.open().size());
        int eventIndex = 11;
        while (position < target) {
            at = at.plusSeconds(3600 + random.nextLong(8 * 86_400L));
            if (!at.isBefore(end)) {
                break;
            }
            // now and then a step back before going on
            int to = position > 0 && random.nextInt(10) == 0 ? position - 1 : position + 1;
            counted.accept(moved(
                    n,
                    eventIndex++,
                    deal,
                    ++version,
                    at,
                    actor,
                    pipeline,
                    position,
                    to,
                    "OPEN",
                    owner,
                    department,
                    contact,
                    amount,
                    at.getEpochSecond() - enteredAt.getEpochSecond(),
                    null));
            position = to;
            enteredAt = at;
        }
        Instant closedAt = at.plusSeconds(3600 + random.nextLong(5 * 86_400L));
        if (outcome < 6 && closedAt.isBefore(end)) {
            boolean won = outcome < 3 && position == pipeline.open().size() - 1;
            String reason = won ? null : LOSS_REASONS.get(random.nextInt(LOSS_REASONS.size()));
            counted.accept(moved(
                    n,
                    eventIndex++,
                    deal,
                    ++version,
                    closedAt,
                    actor,
                    pipeline,
                    position,
                    won ? pipeline.wonPosition() : pipeline.lostPosition(),
                    won ? "WON" : "LOST",
                    owner,
                    department,
                    contact,
                    amount,
                    closedAt.getEpochSecond() - enteredAt.getEpochSecond(),
                    reason));
            String from = pipeline.open().get(position);
            if (won) {
                tally.won++;
                counted.accept(new DealWon(
                        id(n, eventIndex++),
                        TENANT,
                        deal,
                        ++version,
                        closedAt,
                        actor,
                        pipeline.id(),
                        "won",
                        from,
                        contact,
                        owner,
                        department,
                        amount,
                        created));
            } else {
                tally.lost++;
                counted.accept(new DealLost(
                        id(n, eventIndex++),
                        TENANT,
                        deal,
                        ++version,
                        closedAt,
                        actor,
                        pipeline.id(),
                        "lost",
                        from,
                        reason,
                        contact,
                        owner,
                        department,
                        amount,
                        created));
            }
        }

        if (random.nextInt(2) == 0) {
            call(
                    n,
                    2,
                    contact,
                    contactVersion,
                    owner,
                    department,
                    deal,
                    created.plusSeconds(86_400 + random.nextLong(7 * 86_400L)),
                    random,
                    counted);
        }
        int other = random.nextInt(10);
        if (other < 3) {
            Instant when = created.plusSeconds(random.nextLong(14 * 86_400L));
            boolean appeal = other == 0;
            counted.accept(new InteractionLogged(
                    id(n, 40),
                    TENANT,
                    contact,
                    ++contactVersion[0],
                    when,
                    actor,
                    "interaction" + n + "-x",
                    appeal ? InteractionType.APPEAL : InteractionType.EMAIL,
                    Direction.INBOUND,
                    when,
                    null,
                    appeal ? "phone" : "email",
                    null,
                    owner,
                    department,
                    deal,
                    appeal ? TOPICS.get(random.nextInt(TOPICS.size())) : null,
                    null));
        }

        int tasks = 1 + random.nextInt(2);
        for (int t = 0; t < tasks; t++) {
            String task = "task" + n + "-" + t;
            Instant taskCreated = created.plusSeconds(random.nextLong(3 * 86_400L));
            Instant due = taskCreated.plusSeconds(86_400 + random.nextLong(3 * 86_400L));
            counted.accept(new TaskCreated(
                    id(n, 50 + 3 * t),
                    TENANT,
                    task,
                    1,
                    taskCreated,
                    actor,
                    "Call the client back",
                    "CALL",
                    owner,
                    department,
                    due,
                    "NORMAL",
                    deal,
                    contact,
                    null,
                    null));
            int fate = random.nextInt(10);
            if (fate < 6) {
                Instant done = due.minusSeconds(random.nextLong(86_400));
                counted.accept(new TaskCompleted(
                        id(n, 51 + 3 * t),
                        TENANT,
                        task,
                        2,
                        done,
                        actor,
                        "CALL",
                        owner,
                        department,
                        due,
                        "done",
                        deal,
                        contact,
                        null,
                        false));
            } else if (fate < 9) {
                counted.accept(new TaskOverdue(
                        id(n, 51 + 3 * t),
                        TENANT,
                        task,
                        2,
                        due,
                        Actor.system("tasks"),
                        "Call the client back",
                        owner,
                        department,
                        due,
                        "NORMAL",
                        deal,
                        contact));
                Instant late = due.plusSeconds(3600 + random.nextLong(2 * 86_400L));
                counted.accept(new TaskCompleted(
                        id(n, 52 + 3 * t),
                        TENANT,
                        task,
                        3,
                        late,
                        actor,
                        "CALL",
                        owner,
                        department,
                        due,
                        "done late",
                        deal,
                        contact,
                        null,
                        false));
            }
        }
    }

    private static DealStageChanged moved(
            String n,
            int index,
            String deal,
            long version,
            Instant at,
            Actor actor,
            Pipeline pipeline,
            int from,
            int to,
            String toKind,
            String owner,
            String department,
            String contact,
            Money amount,
            long secondsInPrevious,
            String lossReason) {
        String toStage = to < pipeline.open().size()
                ? pipeline.open().get(to)
                : "OPEN".equals(toKind) ? null : toKind.toLowerCase();
        int probability =
                to < pipeline.open().size() ? pipeline.probabilities().get(to) : "WON".equals(toKind) ? 100 : 0;
        return new DealStageChanged(
                id(n, index),
                TENANT,
                deal,
                version,
                at,
                actor,
                pipeline.id(),
                pipeline.open().get(from),
                toStage,
                toKind,
                owner,
                department,
                "moved by the bench",
                lossReason,
                contact,
                "OPEN",
                from,
                to,
                probability,
                amount,
                Math.max(0, secondsInPrevious));
    }

    /** A call as telephony publishes it and as the rep logs it: one call in two events. */
    private static void call(
            String n,
            int k,
            String contact,
            long[] contactVersion,
            String owner,
            String department,
            String deal,
            Instant at,
            SplittableRandom random,
            Consumer<CrmEvent> sink) {
        String call = "call" + n + "-" + k;
        String interaction = "interaction" + n + "-" + k;
        long seconds = 30 + random.nextLong(900);
        Instant ended = at.plus(Duration.ofSeconds(seconds));
        sink.accept(new CallEnded(
                id(n, 20 + 2 * k),
                TENANT,
                call,
                2,
                ended,
                Actor.user(owner),
                "ext" + n + "-" + k,
                Direction.OUTBOUND,
                owner,
                List.of(contact),
                at,
                ended,
                seconds,
                true,
                interaction));
        sink.accept(new InteractionLogged(
                id(n, 21 + 2 * k),
                TENANT,
                contact,
                ++contactVersion[0],
                ended,
                Actor.user(owner),
                interaction,
                InteractionType.CALL,
                Direction.OUTBOUND,
                at,
                seconds,
                "phone",
                "reached",
                owner,
                department,
                deal,
                null,
                call));
    }

    /** A stable event id: the same story gives the same ids in every run (a replay is recognisable). */
    private static String id(String n, int index) {
        return "event" + n + "-" + index;
    }
}
