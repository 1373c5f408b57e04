package org.opencrm.tasks.deal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
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
import org.opencrm.events.CrmEvent;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.DealStepHistories;
import org.opencrm.testkit.DealStepHistories.Step;
import org.opencrm.testkit.Redelivery;
import org.opencrm.testkit.RedeliveryProperty;
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

    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @UseTestInfrastructure
    static class SharedContext {}

    private static final RedeliveryProperty PROPERTY = new RedeliveryProperty("tasks-service DealEventsListener");
    private static final List<DealStepHistories.Step> STEPS = List.of(Step.values());

    private static ApplicationContext context;
    private static MongoTemplate mongo;
    private static DealEventsListener listener;

    @BeforeContainer
    static void context() throws Exception {
        var manager = new TestContextManager(SharedContext.class);
        context = manager.getTestContext().getApplicationContext();
        mongo = context.getBean(MongoTemplate.class);
        listener = context.getBean(DealEventsListener.class);
    }

    @AfterContainer
    static void figures() {
        System.out.println(PROPERTY.figures());
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
        List<CrmEvent> history =
                DealStepHistories.deals(tenant, START, RedeliveryProperty.steps(deals, STEPS), d -> "owner-" + d);
        var redelivered = Redelivery.redeliveredAndInterleaved(history, CrmEvent::aggregateId, new Random(shuffleSeed));

        PROPERTY.assertSameState(history, redelivered, events -> {
            Redelivery.wipe(mongo, tenant, KEPT);
            Redelivery.records(events, event -> EventRecords.toRecord(event, "/crm/test"))
                    .forEach(listener::on);
            return Redelivery.snapshot(mongo, tenant, KEPT);
        });
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
}
