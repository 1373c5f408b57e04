package org.opencrm.contacts.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.bson.Document;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Money;
import org.opencrm.events.Topics;
import org.opencrm.events.contacts.InteractionLogged;
import org.opencrm.events.contacts.InteractionType;
import org.opencrm.events.deals.DealAmountChanged;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.events.deals.DealLost;
import org.opencrm.events.deals.DealReassigned;
import org.opencrm.events.deals.DealReopened;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.events.deals.DealUpdated;
import org.opencrm.events.deals.DealWon;
import org.opencrm.events.tasks.ReassignmentReason;
import org.opencrm.events.tasks.TaskCancelled;
import org.opencrm.events.tasks.TaskCompleted;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.events.tasks.TaskReassigned;
import org.opencrm.events.tasks.TaskUpdated;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.Redelivery;
import org.opencrm.testkit.UseTestInfrastructure;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.test.context.TestContextManager;

/**
 * Issue #12 item 4 on contacts-service's activity consumer ({@link ActivityListener}: its deals, tasks and contacts
 * listeners): a generated history of deal, task and interaction events around three cards, delivered with each event
 * 1-3 times and the aggregates interleaved at random, leaves the same screen-pop summaries, timeline entries and
 * deal/task-to-card links as the history delivered once in order.
 *
 * <p>What is shuffled: the order between aggregates (deals, tasks and cards are different keys, so different
 * partitions or topics). Each aggregate's own events first arrive in their order, as one partition gives them; a copy
 * of an event may come again any time later (a redelivery re-reads what was applied). The listener claims no more:
 * summary entries and links take only newer versions of their deal or task, the last interaction only a later one,
 * timeline entries have ids derived from the event. Deals and tasks move between cards (a {@code DealUpdated} or
 * {@code TaskUpdated} naming another contact), which is where the summary entry must follow the newest event only.
 *
 * <p>Runs the real listener methods on the real database of the module's shared test context (the security suite's),
 * calling them directly with the records the broker would hand over: through the broker a try would cost seconds.
 */
class ActivityRedeliveryPropertyTest {

    private static final String LINKS = "activity_links";
    private static final Instant START = Instant.parse("2025-03-02T09:00:00Z");
    private static final List<String> STAGES = List.of("new", "measure", "approval");
    private static final int CARDS = 3;

    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @UseTestInfrastructure
    static class SharedContext {}

    private static MongoTemplate mongo;
    private static ActivityListener listener;
    private static int tries;
    private static int delivered;
    private static int same;

    @BeforeContainer
    static void context() throws Exception {
        var context =
                new TestContextManager(SharedContext.class).getTestContext().getApplicationContext();
        mongo = context.getBean(MongoTemplate.class);
        listener = context.getBean(ActivityListener.class);
    }

    @AfterContainer
    static void figures() {
        System.out.println("[reliability] contacts-service ActivityListener: " + tries + " tries, " + delivered
                + " deliveries, " + same + " tries with the same state as once in order");
    }

    /**
     * @param deals per deal, the steps after its creation: 0 stage forward, 1 won, 2 lost, 3 reopen (a step that does
     *     not fit the deal's state is a stage move), 4 amount change, 5 reassign, 6 title update, 7 moved to the next
     *     card
     * @param tasks per task (on the deal of the same index, if any), the steps after its creation: 0 due time moved,
     *     1 reassigned, 2 moved to the next card, 3 completed, 4 cancelled (nothing follows the end of a task)
     * @param interactions the card of each logged interaction; their times repeat, so some tie
     */
    @Property(tries = 30, seed = "20261122")
    void redeliveredAndInterleavedEndsLikeOnceInOrder(
            @ForAll @Size(min = 1, max = 3) List<@Size(max = 8) List<@IntRange(min = 0, max = 7) Integer>> deals,
            @ForAll @Size(max = 3) List<@Size(max = 4) List<@IntRange(min = 0, max = 4) Integer>> tasks,
            @ForAll @Size(max = 5) List<@IntRange(min = 0, max = CARDS - 1) Integer> interactions,
            @ForAll long shuffleSeed) {
        String tenant = "prop-" + UUID.randomUUID();
        List<CrmEvent> history = new ArrayList<>(deals(tenant, deals));
        history.addAll(tasks(tenant, tasks, deals.size()));
        history.addAll(interactions(tenant, interactions));

        deliver(history);
        String onceInOrder = snapshot(tenant);
        wipe(tenant);
        var shuffled = Redelivery.redeliveredAndInterleaved(history, CrmEvent::aggregateId, new Random(shuffleSeed));
        deliver(shuffled);
        String redelivered = snapshot(tenant);

        tries++;
        assertThat(onceInOrder).contains("contact_summaries", "activity_timeline", LINKS);
        assertThat(redelivered)
                .as(
                        "delivered as %s",
                        shuffled.stream()
                                .map(ActivityRedeliveryPropertyTest::describe)
                                .toList())
                .isEqualTo(onceInOrder);
        same++;
    }

    private static void deliver(List<CrmEvent> events) {
        long offset = 0;
        for (CrmEvent event : events) {
            var record = Redelivery.record(EventRecords.toRecord(event, "/crm/test"), event.occurredAt(), offset++);
            switch (record.topic()) {
                case Topics.DEALS -> listener.onDeal(record);
                case Topics.TASKS -> listener.onTask(record);
                case Topics.CONTACTS -> listener.onContact(record);
                default -> throw new IllegalArgumentException(record.topic());
            }
            delivered++;
        }
    }

    /**
     * The tenant's summaries and timeline, and its links, which are keyed by tenant but do not carry it as a field.
     */
    private static String snapshot(String tenant) {
        List<String> links = new ArrayList<>();
        mongo.find(linksOf(tenant), Document.class, LINKS).forEach(d -> links.add(d.toJson()));
        links.sort(null);
        return Redelivery.snapshot(mongo, tenant, Set.of()) + " " + LINKS + "=" + links;
    }

    private static void wipe(String tenant) {
        Redelivery.wipe(mongo, tenant, Set.of());
        mongo.remove(linksOf(tenant), LINKS);
    }

    private static Query linksOf(String tenant) {
        return new Query(where("_id").regex("^" + java.util.regex.Pattern.quote(tenant + "|")));
    }

    private static String card(String tenant, int index) {
        return "card-" + (index % CARDS) + "-" + tenant;
    }

    private static List<CrmEvent> deals(String tenant, List<List<Integer>> deals) {
        List<CrmEvent> events = new ArrayList<>();
        for (int d = 0; d < deals.size(); d++) {
            String deal = "deal-" + d + "-" + tenant;
            int cardIndex = d;
            String contact = card(tenant, cardIndex);
            String owner = "owner-" + d;
            int stage = 0;
            String kind = "OPEN";
            long version = 1;
            Instant at = START.plus(d, ChronoUnit.MINUTES);
            var money = new Money(new BigDecimal("100.00"), "EUR");
            events.add(new DealCreated(
                    id(),
                    tenant,
                    deal,
                    version,
                    at,
                    Actor.user(owner),
                    "p1",
                    STAGES.get(0),
                    "OPEN",
                    0,
                    10,
                    "Deal " + d,
                    contact,
                    null,
                    owner,
                    "d1",
                    money,
                    "web",
                    null,
                    null));
            for (int step : deals.get(d)) {
                version++;
                at = at.plus(1, ChronoUnit.HOURS);
                var actor = Actor.user(owner);
                boolean open = kind.equals("OPEN");
                if (step == 1 && open) {
                    events.add(new DealWon(
                            id(),
                            tenant,
                            deal,
                            version,
                            at,
                            actor,
                            "p1",
                            "won",
                            STAGES.get(stage),
                            contact,
                            owner,
                            "d1",
                            money,
                            START));
                    kind = "WON";
                } else if (step == 2 && open) {
                    events.add(new DealLost(
                            id(),
                            tenant,
                            deal,
                            version,
                            at,
                            actor,
                            "p1",
                            "lost",
                            STAGES.get(stage),
                            "price",
                            contact,
                            owner,
                            "d1",
                            money,
                            START));
                    kind = "LOST";
                } else if (step == 3 && !open) {
                    events.add(new DealReopened(
                            id(),
                            tenant,
                            deal,
                            version,
                            at,
                            actor,
                            "p1",
                            kind.toLowerCase(),
                            STAGES.get(0),
                            contact,
                            owner,
                            "d1",
                            money));
                    stage = 0;
                    kind = "OPEN";
                } else if (step == 4) {
                    var previous = money;
                    money = new Money(money.amount().add(new BigDecimal("10.00")), "EUR");
                    events.add(new DealAmountChanged(
                            id(),
                            tenant,
                            deal,
                            version,
                            at,
                            actor,
                            "p1",
                            open ? STAGES.get(stage) : kind.toLowerCase(),
                            contact,
                            owner,
                            "d1",
                            previous,
                            money));
                } else if (step == 5) {
                    String next = "owner-" + d + "-" + version;
                    events.add(new DealReassigned(
                            id(), tenant, deal, version, at, actor, "p1", contact, owner, next, "d1", "d1"));
                    owner = next;
                } else if (step == 6) {
                    events.add(new DealUpdated(
                            id(),
                            tenant,
                            deal,
                            version,
                            at,
                            actor,
                            List.of("title"),
                            "p1",
                            "Deal " + d + " v" + version,
                            contact,
                            null,
                            owner,
                            "d1",
                            "web",
                            null));
                } else if (step == 7) {
                    contact = card(tenant, ++cardIndex);
                    events.add(new DealUpdated(
                            id(),
                            tenant,
                            deal,
                            version,
                            at,
                            actor,
                            List.of("contactId"),
                            "p1",
                            "Deal " + d,
                            contact,
                            null,
                            owner,
                            "d1",
                            "web",
                            null));
                } else if (open) {
                    int to = (stage + 1) % STAGES.size();
                    events.add(new DealStageChanged(
                            id(),
                            tenant,
                            deal,
                            version,
                            at,
                            actor,
                            "p1",
                            STAGES.get(stage),
                            STAGES.get(to),
                            "OPEN",
                            owner,
                            "d1",
                            "moved to " + STAGES.get(to),
                            null,
                            contact,
                            "OPEN",
                            stage,
                            to,
                            40,
                            money,
                            3600));
                    stage = to;
                } else {
                    // a closed deal that neither reopens nor changes: a title update
                    events.add(new DealUpdated(
                            id(),
                            tenant,
                            deal,
                            version,
                            at,
                            actor,
                            List.of("title"),
                            "p1",
                            "Closed " + d + " v" + version,
                            contact,
                            null,
                            owner,
                            "d1",
                            "web",
                            null));
                }
            }
        }
        return events;
    }

    private static List<CrmEvent> tasks(String tenant, List<List<Integer>> tasks, int deals) {
        List<CrmEvent> events = new ArrayList<>();
        var actor = Actor.system("tasks-service");
        for (int t = 0; t < tasks.size(); t++) {
            String task = "task-" + t + "-" + tenant;
            String deal = t < deals ? "deal-" + t + "-" + tenant : null;
            int cardIndex = t + 1;
            String contact = card(tenant, cardIndex);
            String assignee = "user-" + t;
            String title = "Call " + t;
            long version = 1;
            Instant at = START.plus(t, ChronoUnit.MINUTES).plusSeconds(30);
            Instant due = START.plus(1 + t, ChronoUnit.DAYS);
            events.add(new TaskCreated(
                    id(), tenant, task, version, at, actor, title, "CALL", assignee, "d1", due, "NORMAL", deal, contact,
                    null, null));
            for (int step : tasks.get(t)) {
                version++;
                at = at.plus(30, ChronoUnit.MINUTES);
                if (step == 0) {
                    due = due.plus(2, ChronoUnit.HOURS);
                    events.add(new TaskUpdated(
                            id(),
                            tenant,
                            task,
                            version,
                            at,
                            actor,
                            List.of("dueAt"),
                            title,
                            "CALL",
                            due,
                            "NORMAL",
                            deal,
                            contact));
                } else if (step == 1) {
                    String next = assignee + "x";
                    events.add(new TaskReassigned(
                            id(),
                            tenant,
                            task,
                            version,
                            at,
                            actor,
                            assignee,
                            next,
                            "d1",
                            ReassignmentReason.MANUAL,
                            title,
                            due,
                            deal,
                            contact));
                    assignee = next;
                } else if (step == 2) {
                    contact = card(tenant, ++cardIndex);
                    events.add(new TaskUpdated(
                            id(),
                            tenant,
                            task,
                            version,
                            at,
                            actor,
                            List.of("contactId"),
                            title,
                            "CALL",
                            due,
                            "NORMAL",
                            deal,
                            contact));
                } else if (step == 3) {
                    events.add(new TaskCompleted(
                            id(), tenant, task, version, at, actor, "CALL", assignee, "d1", due, "reached", deal,
                            contact, null, false));
                    break;
                } else {
                    events.add(new TaskCancelled(
                            id(), tenant, task, version, at, actor, "MANUAL", assignee, "d1", deal, contact));
                    break;
                }
            }
        }
        return events;
    }

    private static List<CrmEvent> interactions(String tenant, List<Integer> cards) {
        List<CrmEvent> events = new ArrayList<>();
        long[] versions = new long[CARDS];
        for (int i = 0; i < cards.size(); i++) {
            int card = cards.get(i);
            String contact = card(tenant, card);
            Instant at = START.plus(2, ChronoUnit.DAYS).plus(i, ChronoUnit.MINUTES);
            // logged out of order and with equal times: the last interaction is the latest one, the first of a tie
            Instant interactedAt = START.plus(1 + (i * 7) % 3, ChronoUnit.HOURS);
            events.add(new InteractionLogged(
                    id(),
                    tenant,
                    contact,
                    ++versions[card],
                    at,
                    Actor.user("user-" + i),
                    "interaction-" + i + "-" + tenant,
                    InteractionType.CALL,
                    null,
                    interactedAt,
                    60L,
                    null,
                    "outcome " + i,
                    "user-" + i,
                    "d1",
                    null,
                    null,
                    null));
        }
        return events;
    }

    private static String describe(CrmEvent event) {
        return event.getClass().getSimpleName() + " " + event.aggregateId().substring(0, 6) + " v"
                + event.aggregateVersion();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
