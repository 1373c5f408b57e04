package org.opencrm.notifications.intake;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.teams.TeamMember;
import org.opencrm.events.teams.TeamUpdated;
import org.opencrm.notifications.NotificationsTestBase;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.Redelivery;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.test.context.TestContextManager;

/**
 * What the intake's redelivery properties share (issue #12 item 4): the module's test context (WireMock as the
 * allow-listed webhook receiver, answering 204), a tenant with a team of three and a webhook subscription, the
 * deliveries of a history to one of {@link EventIntake}'s listeners, and the tenant's state to compare.
 */
final class IntakeRedelivery {

    static final Instant START = Instant.parse("2025-03-02T09:00:00Z");
    static final List<String> PEOPLE = List.of("anna", "boris", "clara");

    /** Setup a try makes once, kept when its state is wiped between the two deliveries. */
    static final Set<String> SETUP = Set.of("preferences", "routes", "webhooks");

    /** The team of the try too, for a consumer that does not write it. */
    static final Set<String> SETUP_AND_TEAM = union(SETUP, Set.of("teams", "user_profiles"));

    /**
     * A delivery's progress, left out of the comparison: the delivery worker moves it on its own schedule. So are the
     * in-app notifications, which the worker writes from the IN_APP deliveries (under the delivery's id, so once
     * each); those deliveries are compared.
     */
    static final Set<String> PROGRESS = Set.of(
            "status",
            "reason",
            "attempts",
            "nextAttemptAt",
            "giveUpAt",
            "settledAt",
            "log",
            "lockedBy",
            "lockedUntil",
            "version");

    private static final String HOOKS = "/redelivery-hooks/";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static class SharedContext extends NotificationsTestBase {

        static void receiveWebhooks() {
            wiremock.stubFor(
                    post(urlPathMatching(HOOKS + ".*")).willReturn(aResponse().withStatus(204)));
        }

        static String webhookUrl(String tenant) {
            return "http://127.0.0.1:" + wiremock.port() + HOOKS + tenant;
        }

        static String adminOf(String tenant) {
            return admin(tenant);
        }
    }

    private static ApplicationContext context;
    private static SmartLifecycle dispatcher;
    private static final Set<String> TENANTS = ConcurrentHashMap.newKeySet();

    private IntakeRedelivery() {}

    /**
     * Before a property's first try: the shared context, WireMock's answer, and the delivery worker paused. The
     * properties are about what the intake stores; the worker would be sending the first pass's deliveries while
     * the second pass runs, and what it does can reach the intake: four failed sends in a row (a receiver stalled
     * on a loaded machine) disable the webhook, and the second pass then stores no delivery for it. The worker's
     * own behaviour under redelivery and with two instances is tested by DeliveryFlowTest and TwoInstancesTest.
     */
    static void start() {
        context = new TestContextManager(SharedContext.class).getTestContext().getApplicationContext();
        SharedContext.receiveWebhooks();
        dispatcher = context.getBean("dispatcher", SmartLifecycle.class);
        dispatcher.stop();
    }

    /**
     * After a property's last try: its tenants' deliveries removed (nobody is meant to receive them) and the worker
     * running again for the module's other tests, which share the context.
     */
    static void finish() {
        if (!TENANTS.isEmpty()) {
            mongo().remove(new Query(Criteria.where("tenantId").in(TENANTS)), "deliveries");
            TENANTS.clear();
        }
        dispatcher.start();
    }

    static MongoTemplate mongo() {
        return context.getBean(MongoTemplate.class);
    }

    static EventIntake intake() {
        return context.getBean(EventIntake.class);
    }

    static <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** The team {@code d1}: {@link #PEOPLE}, clara its head. */
    static void team(String tenant) {
        var members = PEOPLE.stream()
                .map(p -> new TeamMember(
                        p, p, p + "@" + tenant + ".test", null, List.of("MANAGER"), "UTC", "en", true, null))
                .toList();
        var team = new TeamUpdated(
                UUID.randomUUID().toString(),
                tenant,
                "d1",
                1,
                START,
                Actor.system("test"),
                "Sales",
                true,
                List.of("clara"),
                members);
        intake().teams(Redelivery.record(EventRecords.toRecord(team, "/crm/test"), team.occurredAt(), 0));
    }

    /** A webhook of the tenant subscribed to these event types, received by WireMock. */
    static void webhook(String tenant, String... eventTypes) {
        String body = """
                {"url": "%s", "eventTypes": [%s], "secret": "0123456789abcdef0123456789abcdef"}""".formatted(
                SharedContext.webhookUrl(tenant),
                String.join(
                        ", ",
                        List.of(eventTypes).stream().map(t -> "\"" + t + "\"").toList()));
        String port = context.getEnvironment().getProperty("local.server.port");
        try {
            var response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/webhooks"))
                            .header("Authorization", "Bearer " + SharedContext.adminOf(tenant))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Wipes the tenant's state but {@code kept}, delivers the events to {@code listener} and reads the state: every
     * collection but {@code kept} and the in-app notifications, without the deliveries' progress.
     */
    static String deliver(
            String tenant,
            Set<String> kept,
            List<CrmEvent> events,
            BiConsumer<EventIntake, ConsumerRecord<String, String>> listener) {
        return deliver(tenant, kept, () -> {}, events, listener);
    }

    /** {@link #deliver}, with {@code setup} run after the wipe (what the try needs there before the events). */
    static String deliver(
            String tenant,
            Set<String> kept,
            Runnable setup,
            List<CrmEvent> events,
            BiConsumer<EventIntake, ConsumerRecord<String, String>> listener) {
        var mongo = mongo();
        var intake = intake();
        TENANTS.add(tenant);
        Redelivery.wipe(mongo, tenant, kept);
        setup.run();
        Redelivery.records(events, event -> EventRecords.toRecord(event, "/crm/test"))
                .forEach(record -> listener.accept(intake, record));
        return Redelivery.snapshot(mongo, tenant, union(kept, Set.of("inapp_notifications")), PROGRESS);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        var all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
