package org.opencrm.notifications;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.jayway.jsonpath.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Money;
import org.opencrm.events.Topics;
import org.opencrm.events.deals.DealWon;
import org.opencrm.testkit.KafkaTestConsumer;
import org.opencrm.testkit.TestInfrastructure;

/** Signed webhooks to a real HTTP receiver (WireMock on 127.0.0.1, allow-listed for these tests). */
class WebhookTest extends NotificationsTestBase {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @Test
    void theReceiverSeesAValidSignatureAndARetryAfterItsFirst500() {
        String tenant = unique("t");
        String path = "/hooks/" + tenant;
        wiremock.stubFor(post(urlEqualTo(path))
                .inScenario(tenant)
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500))
                .willSetStateTo("recovered"));
        wiremock.stubFor(post(urlEqualTo(path))
                .inScenario(tenant)
                .whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(204)));
        String hookId = subscribe(tenant, path, "DealWon");
        var won = dealWon(tenant);

        try (var events =
                KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.NOTIFICATIONS)) {
            publish(won);
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            wiremock.findAll(postRequestedFor(urlEqualTo(path))).size() == 2);
            var sent = events.await(r -> r.value().contains(won.eventId()), 1, Duration.ofSeconds(30));
            assertThat(JsonPath.<Integer>read(sent.getFirst().value(), "$.attempts"))
                    .isEqualTo(2);
            assertThat(JsonPath.<String>read(sent.getFirst().value(), "$.channel"))
                    .isEqualTo("WEBHOOK");
        }
        List<LoggedRequest> requests = wiremock.findAll(postRequestedFor(urlEqualTo(path)));
        for (LoggedRequest request : requests) {
            assertValidSignature(request);
            assertThat(JsonPath.<String>read(request.getBodyAsString(), "$.type"))
                    .isEqualTo("crm.deals.DealWon.v1");
            assertThat(JsonPath.<String>read(request.getBodyAsString(), "$.data.aggregateId"))
                    .isEqualTo(won.aggregateId());
        }
        // the same delivery both times, so the receiver can drop a repeat
        assertThat(requests.get(0).getHeader("X-CRM-Delivery"))
                .isEqualTo(requests.get(1).getHeader("X-CRM-Delivery"));

        var log = call("GET", "/api/webhooks/" + hookId + "/deliveries", admin(tenant), null)
                .body();
        assertThat(JsonPath.<List<String>>read(log, "$[*].status")).containsExactly("SENT");
        assertThat(JsonPath.<List<String>>read(log, "$[0].log[*].outcome")).containsExactly("HTTP_500", "SENT");

        // manual redelivery sends it once more, signed again
        String deliveryId = JsonPath.read(log, "$[0].id");
        var redeliver = call(
                "POST", "/api/webhooks/" + hookId + "/deliveries/" + deliveryId + "/redeliver", admin(tenant), null);
        assertThat(redeliver.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        wiremock.findAll(postRequestedFor(urlEqualTo(path))).size() == 3);
        assertValidSignature(
                wiremock.findAll(postRequestedFor(urlEqualTo(path))).get(2));
    }

    @Test
    void aTimeoutIsRetriedAndARepeatedlyFailingReceiverIsDisabled() {
        String tenant = unique("t");
        String slow = "/slow/" + tenant;
        wiremock.stubFor(post(urlEqualTo(slow))
                .inScenario(tenant)
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withFixedDelay(7000))
                .willSetStateTo("fast"));
        wiremock.stubFor(post(urlEqualTo(slow))
                .inScenario(tenant)
                .whenScenarioStateIs("fast")
                .willReturn(aResponse().withStatus(200)));
        String slowHook = subscribe(tenant, slow, "DealWon");
        String broken = "/broken/" + tenant;
        wiremock.stubFor(post(urlEqualTo(broken)).willReturn(aResponse().withStatus(503)));
        String brokenHook = subscribe(tenant, broken, "DealWon");

        publish(dealWon(tenant));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var log = call("GET", "/api/webhooks/" + slowHook + "/deliveries", admin(tenant), null)
                    .body();
            assertThat(JsonPath.<List<String>>read(log, "$[0].log[*].outcome")).containsExactly("TIMEOUT", "SENT");
        });
        // four failures in a row (the configured limit here) disable the subscription and fail its delivery
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            var hook = call("GET", "/api/webhooks/" + brokenHook, admin(tenant), null)
                    .body();
            assertThat(JsonPath.<Boolean>read(hook, "$.enabled")).isFalse();
            var log = call("GET", "/api/webhooks/" + brokenHook + "/deliveries", admin(tenant), null)
                    .body();
            assertThat(JsonPath.<List<String>>read(log, "$[*].status")).containsExactly("FAILED");
            assertThat(JsonPath.<List<String>>read(log, "$[*].reason")).containsExactly("WEBHOOK_DISABLED");
        });
        assertThat(wiremock.findAll(postRequestedFor(urlEqualTo(broken)))).hasSize(4);
    }

    @Test
    void retriesStopAfter24Hours() {
        String tenant = unique("t");
        String path = "/down/" + tenant;
        wiremock.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(500)));
        String hookId = subscribe(tenant, path, "DealWon");
        publish(dealWon(tenant));
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        wiremock.findAll(postRequestedFor(urlEqualTo(path))).size() >= 1);

        clock.advance(Duration.ofHours(25));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var log = call("GET", "/api/webhooks/" + hookId + "/deliveries", admin(tenant), null)
                    .body();
            assertThat(JsonPath.<List<String>>read(log, "$[*].status")).containsExactly("FAILED");
            assertThat(JsonPath.<List<String>>read(log, "$[*].reason")).containsExactly("RETRIES_EXHAUSTED");
        });
    }

    @Test
    void onlyAdministratorsAndIntegrationsManageWebhooksAndOnlyTheirTenants() {
        String tenant = unique("t");
        String hookId = subscribe(tenant, "/any/" + tenant, "TaskOverdue");
        assertThat(call("GET", "/api/webhooks", user(tenant, "rep"), null).statusCode())
                .isEqualTo(403);
        assertThat(call("GET", "/api/webhooks/" + hookId, admin(unique("other")), null)
                        .statusCode())
                .isEqualTo(404);
        assertThat(call("GET", "/api/webhooks/" + hookId, admin(tenant), null).body())
                .doesNotContain(SECRET);
        var unknownType = call(
                "POST",
                "/api/webhooks",
                admin(tenant),
                "{\"url\":\"http://127.0.0.1:1/x\",\"eventTypes\":[\"NoSuchEvent\"]}");
        assertThat(unknownType.statusCode()).isEqualTo(400);
    }

    private String subscribe(String tenant, String path, String eventType) {
        var response =
                call("POST", "/api/webhooks", admin(tenant), """
                {"url":"http://127.0.0.1:%d%s","eventTypes":["%s"],"secret":"%s"}""".formatted(wiremock.port(), path, eventType, SECRET));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JsonPath.read(response.body(), "$.id");
    }

    private static DealWon dealWon(String tenant) {
        return new DealWon(
                UUID.randomUUID().toString(),
                tenant,
                "deal-" + UUID.randomUUID(),
                5,
                Instant.now(),
                system(),
                "p1",
                "won",
                "negotiation",
                "c-1",
                "rep",
                "sales",
                new Money(new java.math.BigDecimal("1200.00"), "EUR"),
                Instant.now().minusSeconds(86_400));
    }

    private static void assertValidSignature(LoggedRequest request) {
        String header = request.getHeader("X-CRM-Signature");
        assertThat(header).matches("t=\\d+,v1=[0-9a-f]{64}");
        String timestamp = header.substring(2, header.indexOf(','));
        String signature = header.substring(header.indexOf("v1=") + 3);
        assertThat(Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)))
                .isLessThan(120);
        assertThat(signature).isEqualTo(hmac(timestamp + "." + request.getBodyAsString()));
    }

    private static String hmac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
