package org.opencrm.notifications.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Money;
import org.opencrm.events.deals.DealWon;
import org.opencrm.notifications.NotificationsTestBase;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/**
 * Webhook deliveries never reach an internal address: not through a redirect from an accepted receiver (WireMock
 * on 127.0.0.1, allow-listed in this context only so the receiver can be registered), and not when a registered
 * target points somewhere internal by the time it is sent (as after a DNS change).
 */
class WebhookSsrfTest extends NotificationsTestBase {

    @Test
    void aRedirectToAnInternalAddressIsNeverFollowed() {
        String tenant = unique("t");
        String receiver = "/hooks/" + tenant;
        String internal = "/internal-admin/" + tenant;
        for (int status : List.of(301, 302, 303, 307, 308)) {
            wiremock.stubFor(post(urlEqualTo(receiver + "/" + status))
                    .willReturn(aResponse()
                            .withStatus(status)
                            .withHeader("Location", "http://127.0.0.1:" + wiremock.port() + internal)));
        }
        wiremock.stubFor(
                any(urlPathMatching(internal + ".*")).willReturn(aResponse().withStatus(200)));
        var hooks = List.of(301, 302, 303, 307, 308).stream()
                .map(status -> subscribe(tenant, receiver + "/" + status))
                .toList();

        publish(dealWon(tenant));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String hook : hooks) {
                var log = call("GET", "/api/webhooks/" + hook + "/deliveries", admin(tenant), null)
                        .body();
                assertThat(JsonPath.<List<String>>read(log, "$[0].log[*].outcome"))
                        .as("the redirect is a failed attempt, retried later")
                        .isNotEmpty()
                        .allMatch(outcome -> outcome.matches("HTTP_30[12378]"));
            }
        });
        assertThat(wiremock.findAll(postRequestedFor(urlPathMatching(receiver + "/.*"))))
                .hasSizeGreaterThanOrEqualTo(5);
        assertThat(wiremock.findAll(anyRequestedFor(urlPathMatching(internal + ".*"))))
                .as("requests that followed a redirect")
                .isEmpty();
    }

    @Test
    void aTargetThatTurnedInternalIsRefusedAtDelivery() {
        String tenant = unique("t");
        String receiver = "/hooks/" + tenant;
        wiremock.stubFor(post(urlEqualTo(receiver)).willReturn(aResponse().withStatus(204)));
        String hook = subscribe(tenant, receiver);
        // What a DNS change does to a registered name: the stored target now means the metadata service.
        mongo.updateFirst(
                Query.query(Criteria.where("_id").is(hook)),
                Update.update("url", "http://169.254.169.254/latest/meta-data"),
                WebhookSubscription.COLLECTION);

        publish(dealWon(tenant));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var log = call("GET", "/api/webhooks/" + hook + "/deliveries", admin(tenant), null)
                    .body();
            assertThat(JsonPath.<List<String>>read(log, "$[*].status")).containsExactly("FAILED");
            assertThat(JsonPath.<List<String>>read(log, "$[0].log[*].outcome")).containsExactly("TARGET_REFUSED");
        });
        assertThat(wiremock.findAll(postRequestedFor(urlEqualTo(receiver)))).isEmpty();
    }

    @Test
    void aRegistrationOfAnInternalTargetOtherThanTheAllowListedHostIsRefused() {
        String tenant = unique("t");
        for (String url : List.of(
                "http://[::ffff:169.254.169.254]/latest/meta-data",
                "http://[::10.0.0.1]/hook",
                "http://[64:ff9b::a9fe:a9fe]/hook",
                "http://[fd00::1]/hook",
                "http://2852039166/hook")) {
            var response = call("POST", "/api/webhooks", admin(tenant), """
                    {"url":"%s","eventTypes":["DealWon"]}""".formatted(url));
            assertThat(response.statusCode()).as(url).isEqualTo(400);
            assertThat(JsonPath.<String>read(response.body(), "$.errors[0].field"))
                    .isEqualTo("url");
        }
    }

    private String subscribe(String tenant, String path) {
        var response = call("POST", "/api/webhooks", admin(tenant), """
                {"url":"http://127.0.0.1:%d%s","eventTypes":["DealWon"]}""".formatted(wiremock.port(), path));
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
                new Money(new BigDecimal("1200.00"), "EUR"),
                Instant.now().minusSeconds(86_400));
    }
}
