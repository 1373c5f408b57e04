package org.opencrm.notifications;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.events.teams.TeamMember;
import org.opencrm.events.teams.TeamUpdated;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.TestInfrastructure;
import org.opencrm.testkit.UseTestInfrastructure;
import org.opencrm.testkit.jwt.TestJwts;
import org.opencrm.testkit.security.SecurityFixture;
import org.opencrm.testkit.security.ServiceSecurityTest;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The security suite (docs/reliability.md) on notifications-service: a user's in-app notification, a webhook,
 * a tenant's template. Runs in the plain context of the conformance test (no webhook allow-list), so the webhook
 * points at a TEST-NET address that is never called.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseTestInfrastructure
class NotificationsSecurityTest extends ServiceSecurityTest {

    @Override
    protected void queries(SecurityFixture fixture) {
        fixture.query("token", "not-a-signed-token");
    }

    @Override
    protected void seed(SecurityFixture fixture) throws Exception {
        String admin = tokenA(D1, "ADMIN");
        String secret = "zzsecret-" + tenantA;
        String webhookId = read(call("POST", "/api/webhooks", tokenA(D1, "INTEGRATION"), """
                {"url": "https://203.0.113.10/%s", "eventTypes": ["DealWon"]}""".formatted(secret)), "id");
        call("PUT", "/api/notifications/templates/TaskCreated/EMAIL/en", admin, """
                {"subject": "%s-subject", "body": "%s-body"}""".formatted(secret, secret));
        var actor = new Actor(Actor.Kind.SYSTEM, "security-test");
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            send(
                    producer,
                    new TeamUpdated(
                            UUID.randomUUID().toString(),
                            tenantA,
                            D1,
                            1,
                            Instant.now(),
                            actor,
                            "Team",
                            true,
                            List.of(),
                            List.of(new TeamMember(
                                    OWNER, "Owner", null, null, List.of("MANAGER"), "UTC", "en", true, null))));
            send(
                    producer,
                    new TaskCreated(
                            UUID.randomUUID().toString(),
                            tenantA,
                            "task-" + secret,
                            1,
                            Instant.now(),
                            actor,
                            secret + "-task",
                            "CALL",
                            OWNER,
                            D1,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null));
        }
        String owner = TestJwts.user(OWNER)
                .tenant(tenantA)
                .departments(D1)
                .roles("MANAGER")
                .mint();
        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        call("GET", "/api/notifications", owner, null).body().contains("\"id\""));
        String notificationId = read(call("GET", "/api/notifications", owner, null), "$[0].id");
        fixture.record("notification", notificationId, OWNER, null, secret + "-task")
                .tenantWide("webhook", webhookId, secret)
                .secret(secret)
                .param("/api/notifications/", "id", "notification")
                .param("/api/webhooks/", "id", "webhook")
                .literal("*", "deliveryId", "no-such-delivery")
                .literal("*", "topic", "TaskCreated")
                .literal("*", "channel", "EMAIL")
                .literal("*", "language", "en")
                .publicOperation("GET /public/unsubscribe", "the link carries its own signed token")
                // Reads the segment from contacts-service, which is not running here (or is another local run's on
                // its default port): a 503 by design (CampaignContactsFailureTest), which the fuzzer counts as 5xx.
                .notFuzzed("POST /api/campaigns", "calls contacts-service");
    }

    private static void send(KafkaProducer<String, String> producer, CrmEvent event) throws Exception {
        producer.send(EventRecords.toRecord(event, "/crm/test")).get();
    }
}
