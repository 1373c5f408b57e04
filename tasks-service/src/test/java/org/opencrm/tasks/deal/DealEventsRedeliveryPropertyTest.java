package org.opencrm.tasks.deal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Money;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.events.deals.DealLost;
import org.opencrm.events.deals.DealReassigned;
import org.opencrm.events.deals.DealReopened;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.events.deals.DealUpdated;
import org.opencrm.events.deals.DealWon;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.Redelivery;
import org.opencrm.testkit.UseTestInfrastructure;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.test.context.TestContextManager;

/**
 * Issue #12 item 4 on tasks-service's deal consumer ({@link DealEventsListener}): a generated history of deal events,
 * delivered with each event 1-3 times and the deals interleaved at random, leaves the same deal copies, rule tasks
 * (and their cancellations) and follow-ups as the history delivered once in order.
 *
 * <p>What is shuffled: the order between deals (different keys, different partitions). Each deal's own events
 * first arrive in their order, as one partition gives them; a copy of an event may come again any time later (a
 * redelivery re-reads what was applied). The listener claims no more: the deal copy takes only newer versions and
 * each effect has an id derived from its event. Rules assign to the deal's owner: a round robin over a team would
 * depend on the order between deals, which Kafka does not fix.
 *
 * <p>Runs the real listener on the real database of the module's shared test context (the security suite's),
 * calling the listener method directly: through the broker a try would cost seconds.
 */
class DealEventsRedeliveryPropertyTest {

    private static final Set<String> KEPT = Set.of("automation_rules", "teams");
    private static final Instant START = Instant.parse("2025-03-02T09:00:00Z");
    private static final List<String> STAGES = List.of("new", "measure", "approval");

    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @UseTestInfrastructure
    static class SharedContext {}

    private static ApplicationContext context;
    private static MongoTemplate mongo;
    private static DealEventsListener listener;
    private static int tries;
    private static int delivered;
    private static int same;

    @BeforeContainer
    static void context() throws Exception {
        var manager = new TestContextManager(SharedContext.class);
        context = manager.getTestContext().getApplicationContext();
        mongo = context.getBean(MongoTemplate.class);
        listener = context.getBean(DealEventsListener.class);
    }

    @AfterContainer
    static void figures() {
        System.out.println("[reliability] tasks-service DealEventsListener: " + tries + " tries, " + delivered
                + " deliveries, " + same + " tries with the same state as once in order");
    }

    /**
     * @param deals per deal, the steps after its creation: 0 stage forward, 1 reassign, 2 update, 3 won, 4 lost,
     *     5 reopen (a step that does not fit the deal's state, such as reopening an open deal, is a stage move)
     */
    @Property(tries = 30, seed = "20261122")
    void redeliveredAndInterleavedEndsLikeOnceInOrder(
            @ForAll @Size(min = 1, max = 4) List<@Size(max = 8) List<@IntRange(min = 0, max = 5) Integer>> deals,
            @ForAll long shuffleSeed)
            throws Exception {
        String tenant = "prop-" + UUID.randomUUID();
        rules(tenant);
        List<CrmEvent> history = history(tenant, deals);

        deliver(history);
        String onceInOrder = Redelivery.snapshot(mongo, tenant, KEPT);
        Redelivery.wipe(mongo, tenant, KEPT);
        var shuffled = Redelivery.redeliveredAndInterleaved(history, CrmEvent::aggregateId, new Random(shuffleSeed));
        deliver(shuffled);
        String redelivered = Redelivery.snapshot(mongo, tenant, KEPT);

        tries++;
        assertThat(redelivered)
                .as(
                        "delivered as %s",
                        shuffled.stream()
                                .map(DealEventsRedeliveryPropertyTest::describe)
                                .toList())
                .isEqualTo(onceInOrder);
        same++;
    }

    private static void deliver(List<CrmEvent> events) {
        long offset = 0;
        for (CrmEvent event : events) {
            listener.on(Redelivery.record(EventRecords.toRecord(event, "/crm/test"), event.occurredAt(), offset++));
            delivered++;
        }
    }

    /** A rule task on every stage move and on every won deal, assigned to the deal's owner. */
    private static void rules(String tenant) throws Exception {
        String port = context.getEnvironment().getProperty("local.server.port");
        String admin = TestJwts.user("admin").tenant(tenant).roles("ADMIN").mint();
        for (String trigger : List.of("DealStageChanged", "DealWon")) {
            var response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/automation-rules"))
                                    .header("Authorization", "Bearer " + admin)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("""
                                            {"name": "%s", "trigger": "%s", "createTask": {"titleTemplate": "Follow up",
                                             "type": "CALL", "assignee": {"mode": "DEAL_OWNER"}, "dueIn": "PT1H"}}""".formatted(trigger, trigger)))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        }
    }

    private static List<CrmEvent> history(String tenant, List<List<Integer>> deals) {
        List<CrmEvent> events = new ArrayList<>();
        for (int d = 0; d < deals.size(); d++) {
            String deal = "deal-" + d + "-" + tenant;
            String owner = "owner-" + d;
            String department = "d1";
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
                    null,
                    null,
                    owner,
                    department,
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
                    String next = "owner-" + d + "-" + version;
                    events.add(new DealReassigned(
                            id(), tenant, deal, version, at, actor, "p1", null, owner, next, department, "d2"));
                    owner = next;
                    department = "d2";
                } else if (step == 2) {
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
                            null,
                            null,
                            owner,
                            department,
                            "web",
                            null));
                } else if (step == 3 && open) {
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
                            null,
                            owner,
                            department,
                            money,
                            START));
                    kind = "WON";
                } else if (step == 4 && open) {
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
                            null,
                            owner,
                            department,
                            money,
                            START));
                    kind = "LOST";
                } else if (!open) {
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
                            null,
                            owner,
                            department,
                            money));
                    stage = 0;
                    kind = "OPEN";
                } else {
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
                            department,
                            null,
                            null,
                            null,
                            "OPEN",
                            stage,
                            to,
                            40,
                            money,
                            3600));
                    stage = to;
                }
            }
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
