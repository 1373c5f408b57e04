package org.opencrm.tasks.contact;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Direction;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.ContactStepHistories;
import org.opencrm.testkit.ContactStepHistories.Call;
import org.opencrm.testkit.ContactStepHistories.Step;
import org.opencrm.testkit.Redelivery;
import org.opencrm.testkit.RedeliveryProperty;
import org.opencrm.testkit.UseTestInfrastructure;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.test.context.TestContextManager;

/**
 * Issue #12 item 4 on tasks-service's contacts and calls consumer ({@link ContactEventsListener}): a generated history
 * of client cards (renamed, interactions and leads that fire rules, merged, erased) and missed calls, delivered with
 * each event 1-3 times and the cards and calls interleaved at random, leaves the same client names, merges, rule
 * tasks (their titles, contacts and due-index entries) and rule firings as the same deliveries without the copies.
 *
 * <p>What is shuffled: the order between cards and calls (different keys, partitions and topics). Each card's and
 * call's events first arrive in their order, as one partition gives them; a copy of an event may come again any time
 * later. The comparison is with the first deliveries in the order they came, not with the history's order: a rule
 * task takes the client's name (and, for a merged card, the survivor) as they are when its trigger arrives, and a
 * call's or a merged card's events are on other partitions than the card that names the client, so which name a
 * task got depends on the order Kafka chose across partitions. A copy must change nothing of that.
 *
 * <p>Runs the real listener on the real database of the module's shared test context (the security suite's),
 * calling the listener method directly: through the broker a try would cost seconds.
 */
class ContactEventsRedeliveryPropertyTest {

    private static final Set<String> KEPT = Set.of("automation_rules", "teams");
    private static final Instant START = Instant.parse("2025-03-02T09:00:00Z");
    private static final RedeliveryProperty PROPERTY = new RedeliveryProperty("tasks-service ContactEventsListener");
    private static final List<Step> STEPS = List.of(Step.RENAME, Step.INTERACTION, Step.LEAD);

    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @UseTestInfrastructure
    static class SharedContext {}

    private static ApplicationContext context;
    private static MongoTemplate mongo;
    private static ContactEventsListener listener;

    @BeforeContainer
    static void context() {
        context = new TestContextManager(SharedContext.class).getTestContext().getApplicationContext();
        mongo = context.getBean(MongoTemplate.class);
        listener = context.getBean(ContactEventsListener.class);
    }

    @AfterContainer
    static void figures() {
        System.out.println(PROPERTY.figures());
    }

    /**
     * @param contacts per card, the steps after its creation: 0 renamed, 1 an interaction logged, 2 a lead received
     * @param calls per missed inbound call, the card it is from (modulo the number of cards)
     * @param merges afterwards, the merges ({@link ContactStepHistories#contacts}: card {@code k} absorbs the next one;
     *     they can chain)
     * @param erased at the end, the card erased, if below the number of cards
     */
    @Property(tries = 30, seed = "20261122")
    void redeliveredAndInterleavedEndsLikeTheFirstDeliveries(
            @ForAll @Size(min = 1, max = 4) List<@Size(max = 5) List<@IntRange(min = 0, max = 2) Integer>> contacts,
            @ForAll @Size(max = 3) List<@IntRange(min = 0, max = 3) Integer> calls,
            @ForAll @Size(max = 2) List<@IntRange(min = 0, max = 3) Integer> merges,
            @ForAll @IntRange(min = 0, max = 6) int erased,
            @ForAll long shuffleSeed)
            throws Exception {
        String tenant = "prop-" + UUID.randomUUID();
        rules(tenant);
        List<CrmEvent> history = new ArrayList<>(ContactStepHistories.contacts(
                tenant, START, RedeliveryProperty.steps(contacts, STEPS), merges, erased));
        List<Call> missed = new ArrayList<>();
        for (int k = 0; k < calls.size(); k++) {
            String from = ContactStepHistories.contactId(tenant, calls.get(k) % contacts.size());
            missed.add(new Call("operator-" + k, from, Direction.INBOUND, false));
        }
        history.addAll(ContactStepHistories.calls(tenant, START.plus(2, ChronoUnit.HOURS), missed));
        var redelivered = Redelivery.redeliveredAndInterleaved(history, CrmEvent::aggregateId, new Random(shuffleSeed));

        String firstDeliveries =
                PROPERTY.assertSameState(Redelivery.firstDeliveries(redelivered), redelivered, events -> {
                    Redelivery.wipe(mongo, tenant, KEPT);
                    Redelivery.records(events, event -> EventRecords.toRecord(event, "/crm/test"))
                            .forEach(listener::on);
                    return Redelivery.snapshot(mongo, tenant, KEPT);
                });
        assertThat(firstDeliveries).contains("contact_names");
    }

    /**
     * A task for every interaction (for "rep"), every missed inbound call (for its operator) and every lead, the
     * client's name in each title; and a notification to "rep" for every lead.
     */
    private static void rules(String tenant) throws Exception {
        for (String rule : List.of("""
                {"name": "interactions", "trigger": "InteractionLogged", "createTask": {"titleTemplate":
                 "Follow up {client.name}", "type": "CALL", "assignee": {"mode": "USER", "userId": "rep"},
                 "dueIn": "PT4H"}}""", """
                {"name": "missed calls", "trigger": "CallEnded", "conditions": {"missedCall": true}, "createTask":
                 {"titleTemplate": "Call back {client.name}", "type": "CALL", "assignee": {"mode": "DEAL_OWNER"},
                 "dueIn": "PT1H"}}""", """
                {"name": "leads", "trigger": "LeadReceived", "createTask": {"titleTemplate": "Welcome {client.name}",
                 "type": "CALL", "assignee": {"mode": "USER", "userId": "rep"}, "dueIn": "PT2H"},
                 "notifyPeople": {"recipients": [{"kind": "USER", "userId": "rep"}],
                 "message": "New lead: {client.name}"}}""")) {
            String port = context.getEnvironment().getProperty("local.server.port");
            String admin = TestJwts.user("admin").tenant(tenant).roles("ADMIN").mint();
            var response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/automation-rules"))
                                    .header("Authorization", "Bearer " + admin)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(rule))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        }
    }
}
