package org.opencrm.analytics;

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
import org.opencrm.events.calls.CallEnded;
import org.opencrm.events.contacts.ContactsMerged;
import org.opencrm.events.contacts.InteractionLogged;
import org.opencrm.events.contacts.InteractionType;
import org.opencrm.events.contacts.LeadReceived;
import org.opencrm.events.tasks.ReassignmentReason;
import org.opencrm.events.tasks.TaskCancelled;
import org.opencrm.events.tasks.TaskCompleted;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.events.tasks.TaskOverdue;
import org.opencrm.events.tasks.TaskReassigned;
import org.opencrm.events.tasks.TaskUpdated;
import org.opencrm.events.teams.TeamMember;
import org.opencrm.events.teams.TeamUpdated;

/**
 * Random rep activity of one tenant in March and April 2026: reps m1, m2 (department d1 on their records), m3, m4
 * (d2) and m5 (no department on the records, a member of team d1), calls by telephony alone, logged alone or both
 * (the logged time and rep sometimes differing from telephony's, inbound calls sometimes unanswered), other
 * history entries, tasks created, moved, reassigned, gone overdue and escalated, completed on time or late,
 * cancelled; leads of clients that the calls reach, and clients merged. Times to the second; a share of the tasks
 * fall due around {@link #NOW}, the fixed "now" of the reports compared.
 */
public final class ActivityHistories {

    public static final Instant NOW = Instant.parse("2026-04-10T13:25:17Z");
    private static final List<String> REPS = List.of("m1", "m2", "m3", "m4", "m5");
    private static final Map<String, String> DEPARTMENT = Map.of("m1", "d1", "m2", "d1", "m3", "d2", "m4", "d2");
    private static final Instant MARCH = Instant.parse("2026-03-01T00:00:00Z");
    private static final int CLIENTS = 25;

    private ActivityHistories() {}

    public static List<CrmEvent> random(String tenant, int size, Random random) {
        List<CrmEvent> events = new ArrayList<>();
        java.util.Set<Integer> mergedCards = new java.util.HashSet<>();
        events.add(team(tenant, "d1", List.of("m1", "m2", "m5")));
        events.add(team(tenant, "d2", List.of("m3", "m4")));
        for (int i = 0; i < size; i++) {
            events.addAll(call(tenant, "call-" + i, random));
            if (random.nextBoolean()) {
                events.add(interaction(tenant, random));
            }
            events.addAll(task(tenant, "task-" + i, random));
            if (random.nextInt(3) == 0) {
                LeadReceived lead = lead(tenant, "lead-" + i, random);
                events.add(lead);
                if (random.nextBoolean()) {
                    // a call to the lead's client soon after (or, sometimes, just before) it
                    Instant at = lead.occurredAt().plusSeconds(random.nextInt(3 * 3600) - 600);
                    events.addAll(call(tenant, "call-lead-" + i, lead.aggregateId(), at, random));
                }
            }
            if (random.nextInt(25) == 0) {
                // a card is merged once at most, into a card not merged before (chains, no cycles)
                int merged = random.nextInt(CLIENTS);
                int survivor = random.nextInt(CLIENTS);
                if (merged != survivor && mergedCards.add(merged) && !mergedCards.contains(survivor)) {
                    events.add(new ContactsMerged(
                            id(),
                            tenant,
                            "contact-" + survivor,
                            100 + i,
                            at(random),
                            Actor.user("m1"),
                            "contact-" + merged,
                            null,
                            null,
                            null,
                            null));
                }
            }
        }
        return events;
    }

    private static TeamUpdated team(String tenant, String department, List<String> members) {
        return new TeamUpdated(
                id(),
                tenant,
                department,
                1,
                MARCH,
                Actor.system("teams"),
                department,
                true,
                List.of(),
                members.stream()
                        .map(user -> new TeamMember(user, null, null, null, List.of("MANAGER"), null, null, true, null))
                        .toList());
    }

    /** A call known to telephony, logged in a client's history, or both. */
    private static List<CrmEvent> call(String tenant, String callId, Random random) {
        return call(tenant, callId, "contact-" + random.nextInt(CLIENTS), at(random), random);
    }

    private static List<CrmEvent> call(String tenant, String callId, String client, Instant startedAt, Random random) {
        List<CrmEvent> events = new ArrayList<>();
        String operator = random.nextInt(8) == 0 ? null : rep(random);
        int kind = random.nextInt(3);
        if (kind != 1) {
            Direction direction = random.nextBoolean() ? Direction.INBOUND : Direction.OUTBOUND;
            List<String> contacts = random.nextInt(6) == 0
                    ? List.of(client, "contact-" + random.nextInt(CLIENTS))
                    : random.nextInt(10) == 0 ? List.of() : List.of(client);
            events.add(new CallEnded(
                    id(),
                    tenant,
                    callId,
                    2,
                    startedAt.plusSeconds(300),
                    Actor.system("telephony"),
                    "ext-" + callId,
                    direction,
                    operator,
                    contacts,
                    startedAt,
                    startedAt.plusSeconds(300),
                    300,
                    random.nextInt(4) != 0,
                    kind == 2 ? "interaction-" + callId : null));
        }
        if (kind != 0) {
            // logged by the operator or someone else, at the same time or (typed in later) another hour
            String user = random.nextInt(4) == 0 ? rep(random) : operator;
            Instant loggedAt = random.nextInt(4) == 0 ? startedAt.plusSeconds(random.nextInt(7200)) : startedAt;
            events.add(new InteractionLogged(
                    id(),
                    tenant,
                    client,
                    1 + random.nextInt(1000),
                    loggedAt,
                    user == null ? Actor.system("intake") : Actor.user(user),
                    "interaction-" + callId,
                    InteractionType.CALL,
                    random.nextBoolean() ? Direction.INBOUND : Direction.OUTBOUND,
                    loggedAt,
                    300L,
                    "phone",
                    null,
                    user,
                    department(user, random),
                    null,
                    null,
                    kind == 2 ? callId : null));
        }
        return events;
    }

    private static CrmEvent interaction(String tenant, Random random) {
        String user = random.nextInt(8) == 0 ? null : rep(random);
        Instant at = at(random);
        var type = List.of(InteractionType.EMAIL, InteractionType.NOTE, InteractionType.MEETING, InteractionType.APPEAL)
                .get(random.nextInt(4));
        return new InteractionLogged(
                id(),
                tenant,
                "contact-" + random.nextInt(CLIENTS),
                1 + random.nextInt(1000),
                at,
                user == null ? Actor.system("intake") : Actor.user(user),
                id(),
                type,
                Direction.OUTBOUND,
                at,
                null,
                "email",
                null,
                user,
                department(user, random),
                null,
                type == InteractionType.APPEAL ? "delivery" : null,
                null);
    }

    private static LeadReceived lead(String tenant, String leadId, Random random) {
        return new LeadReceived(
                id(),
                tenant,
                "contact-" + random.nextInt(CLIENTS),
                1,
                at(random),
                Actor.system("intake"),
                leadId,
                random.nextBoolean(),
                "web",
                null,
                null,
                random.nextInt(4) == 0 ? null : random.nextBoolean() ? "d1" : "d2",
                null);
    }

    /** A task's events in order: created, then changes, possibly overdue and escalated, done or cancelled. */
    private static List<CrmEvent> task(String tenant, String taskId, Random random) {
        List<CrmEvent> events = new ArrayList<>();
        String assignee = random.nextInt(10) == 0 ? null : rep(random);
        String department = department(assignee, random);
        Instant created = at(random);
        // a quarter due around "now", to the second: the hour in progress counts only those already due
        Instant due = random.nextInt(4) == 0
                ? NOW.minusSeconds(3 * 3600).plusSeconds(random.nextInt(6 * 3600))
                : created.plusSeconds(random.nextInt(10 * 24 * 3600));
        long version = 1;
        Instant clock = created;
        events.add(new TaskCreated(
                id(),
                tenant,
                taskId,
                version++,
                clock,
                Actor.user("m1"),
                "t",
                random.nextBoolean() ? "CALL" : "EMAIL",
                assignee,
                department,
                due,
                "NORMAL",
                null,
                null,
                null,
                null));
        if (random.nextInt(4) == 0) {
            due = due.plusSeconds(random.nextInt(2 * 24 * 3600) - 24 * 3600);
            clock = clock.plusSeconds(60);
            events.add(new TaskUpdated(
                    id(),
                    tenant,
                    taskId,
                    version++,
                    clock,
                    Actor.user("m1"),
                    List.of("dueAt"),
                    null,
                    null,
                    due,
                    null,
                    null,
                    null));
        }
        if (random.nextInt(5) == 0) {
            String to = rep(random);
            events.add(reassigned(tenant, taskId, version++, clock.plusSeconds(120), assignee, to, random, due));
            assignee = to;
            department = DEPARTMENT.get(to);
        }
        boolean overdue = random.nextInt(3) == 0;
        if (overdue) {
            events.add(new TaskOverdue(
                    id(),
                    tenant,
                    taskId,
                    version++,
                    due.plusSeconds(60),
                    Actor.system("tasks"),
                    "t",
                    assignee,
                    department,
                    due,
                    "NORMAL",
                    null,
                    null));
            if (random.nextBoolean()) {
                String to = rep(random);
                events.add(reassigned(tenant, taskId, version++, due.plusSeconds(90), assignee, to, random, null));
                assignee = to;
                department = DEPARTMENT.get(to);
            }
        }
        int end = random.nextInt(5);
        if (end < 3) {
            // done early, on the dot, or late
            Instant done = end == 0
                    ? due.minusSeconds(random.nextInt(24 * 3600))
                    : end == 1 ? due : due.plusSeconds(1 + random.nextInt(24 * 3600));
            events.add(new TaskCompleted(
                    id(),
                    tenant,
                    taskId,
                    version++,
                    done,
                    Actor.user(assignee == null ? "m1" : assignee),
                    "CALL",
                    assignee,
                    department,
                    random.nextInt(3) == 0 ? null : due,
                    "done",
                    null,
                    null,
                    null,
                    false));
        } else if (end == 3) {
            events.add(new TaskCancelled(
                    id(),
                    tenant,
                    taskId,
                    version++,
                    due.plusSeconds(3600),
                    Actor.user("m1"),
                    "not needed",
                    assignee,
                    department,
                    null,
                    null));
        }
        return events;
    }

    private static TaskReassigned reassigned(
            String tenant,
            String taskId,
            long version,
            Instant at,
            String from,
            String to,
            Random random,
            Instant due) {
        return new TaskReassigned(
                id(),
                tenant,
                taskId,
                version,
                at,
                Actor.user("m1"),
                from,
                to,
                DEPARTMENT.get(to),
                due == null ? ReassignmentReason.OVERDUE_ESCALATION : ReassignmentReason.MANUAL,
                "t",
                random.nextBoolean() ? due : null,
                null,
                null);
    }

    private static String rep(Random random) {
        return REPS.get(random.nextInt(REPS.size()));
    }

    /** The rep's department on the record, sometimes none or (rarely) another one. */
    private static String department(String user, Random random) {
        if (user == null || random.nextInt(6) == 0) {
            return null;
        }
        return random.nextInt(12) == 0 ? "d3" : DEPARTMENT.get(user);
    }

    private static Instant at(Random random) {
        return MARCH.plusSeconds(random.nextInt(61 * 24 * 3600)).truncatedTo(ChronoUnit.SECONDS);
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
