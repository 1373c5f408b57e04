package org.opencrm.notifications;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.jayway.jsonpath.JsonPath;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Direction;
import org.opencrm.events.calls.CallStarted;
import org.opencrm.events.tasks.DealWithoutNextStep;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.events.tasks.TaskDueSoon;
import org.springframework.beans.factory.annotation.Autowired;

/** SMS through the provider API, tenant routing, templates and user preferences. */
class ChannelsAndPreferencesTest extends NotificationsTestBase {

    @Test
    void smsGoesThroughTheProviderAndSurvivesItsErrorsAndTimeouts() {
        String tenant = unique("t");
        String phone = "+4915100" + (100_000 + (int) (Math.random() * 800_000));
        team(tenant, "sales", List.of(), member("rep-s", "Sven", null, phone, "en", "UTC"));
        route(tenant, "TaskDueSoon", "ASSIGNEE", "SMS");
        var match = matchingJsonPath("$.to", com.github.tomakehurst.wiremock.client.WireMock.equalTo(phone));
        wiremock.stubFor(post(urlEqualTo("/sms"))
                .withRequestBody(match)
                .inScenario(phone)
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(502))
                .willSetStateTo("slow"));
        wiremock.stubFor(post(urlEqualTo("/sms"))
                .withRequestBody(match)
                .inScenario(phone)
                .whenScenarioStateIs("slow")
                .willReturn(aResponse().withStatus(200).withFixedDelay(7000))
                .willSetStateTo("ok"));
        wiremock.stubFor(post(urlEqualTo("/sms"))
                .withRequestBody(match)
                .inScenario(phone)
                .whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(202)));

        var dueSoon = new TaskDueSoon(
                UUID.randomUUID().toString(),
                tenant,
                "task-s",
                2,
                Instant.now(),
                system(),
                "Call Mr Brown",
                "rep-s",
                "sales",
                Instant.parse("2026-05-01T10:00:00Z"),
                null,
                null,
                null);
        publish(dueSoon);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var log = call("GET", "/api/notifications/deliveries?channel=SMS", admin(tenant), null)
                    .body();
            assertThat(JsonPath.<List<String>>read(log, "$[*].status")).containsExactly("SENT");
            assertThat(JsonPath.<List<String>>read(log, "$[0].log[*].outcome"))
                    .containsExactly("HTTP_502", "TIMEOUT", "SENT");
        });
        var requests = wiremock.findAll(postRequestedFor(urlEqualTo("/sms")).withRequestBody(match));
        assertThat(requests).hasSize(3);
        assertThat(requests.getLast().getBodyAsString()).satisfies(body -> {
            // CLDR puts a narrow no-break space before "AM"
            assertThat(JsonPath.<String>read(body, "$.text"))
                    .startsWith("Task \"Call Mr Brown\" is due May 1, 2026, 10:00")
                    .endsWith("AM (UTC).");
            assertThat(JsonPath.<String>read(body, "$.from")).isEqualTo("OpenCRM");
            assertThat(JsonPath.<String>read(body, "$.reference")).isNotBlank();
        });
        // the tenant routed TaskDueSoon to SMS only: no e-mail or in-app delivery
        assertThat(JsonPath.<List<String>>read(
                        call(
                                        "GET",
                                        "/api/notifications/deliveries?sourceEventId=" + dueSoon.eventId(),
                                        admin(tenant),
                                        null)
                                .body(),
                        "$[*].channel"))
                .containsExactly("SMS");
    }

    @Test
    void aCallPopsUpOnlyInTheOperatorsAppAndTheOwnerHearsOfADealWithoutNextStep() throws Exception {
        String tenant = unique("t");
        team(tenant, "sales", List.of(), member("op-1", "Olli", "olli@" + tenant + ".test", null, "en", "UTC"));
        var call = new CallStarted(
                UUID.randomUUID().toString(),
                tenant,
                "call-1",
                1,
                Instant.now(),
                system(),
                "pbx-77",
                Direction.INBOUND,
                "op-1",
                List.of("contact-9"),
                Instant.now());
        publish(call);
        var noStep = new DealWithoutNextStep(
                UUID.randomUUID().toString(),
                tenant,
                "deal-9",
                1,
                Instant.now(),
                system(),
                "p1",
                "measurement",
                "contact-9",
                "op-1",
                "sales",
                null,
                Instant.now().minusSeconds(3600));
        publish(noStep);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mailTo("olli@" + tenant + ".test").size() == 1);
        assertThat(mailTo("olli@" + tenant + ".test").getFirst().getSubject()).isEqualTo("A deal has no next step");
        var inbox =
                call("GET", "/api/notifications", user(tenant, "op-1"), null).body();
        assertThat(JsonPath.<List<String>>read(inbox, "$[*].topic"))
                .containsExactlyInAnyOrder("CallStarted", "DealWithoutNextStep");
        assertThat(JsonPath.<List<String>>read(
                        call(
                                        "GET",
                                        "/api/notifications/deliveries?sourceEventId=" + call.eventId(),
                                        admin(tenant),
                                        null)
                                .body(),
                        "$[*].channel"))
                .containsExactly("IN_APP");
    }

    @Test
    void tenantTemplatesReplaceTheBuiltInOnesAndThePreviewShowsBoth() throws Exception {
        String tenant = unique("t");
        var preview = call(
                "POST",
                "/api/notifications/templates/preview",
                admin(tenant),
                "{\"topic\":\"TaskOverdue\",\"channel\":\"EMAIL\",\"language\":\"ru\"}");
        assertThat(preview.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<String>read(preview.body(), "$.subject")).isEqualTo("Просрочено: Перезвонить клиенту");

        var put = call(
                "PUT",
                "/api/notifications/templates/TaskCreated/EMAIL/en",
                admin(tenant),
                "{\"subject\":\"[ACME] {{title}}\",\"body\":\"Dear {{recipientName}}, please: {{title}}\"}");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(call(
                                "PUT",
                                "/api/notifications/templates/TaskCreated/EMAIL/en",
                                user(tenant, "rep"),
                                "{\"body\":\"x\"}")
                        .statusCode())
                .isEqualTo(403);
        var tenantPreview = call(
                "POST",
                "/api/notifications/templates/preview",
                user(tenant, "rep"),
                "{\"topic\":\"TaskCreated\",\"channel\":\"EMAIL\",\"language\":\"en\",\"values\":{\"title\":\"Ship it\"}}");
        assertThat(JsonPath.<String>read(tenantPreview.body(), "$.subject")).isEqualTo("[ACME] Ship it");

        String address = "tina@" + tenant + ".test";
        team(tenant, "sales", List.of(), member("rep-t", "Tina", address, null, "en-GB", "UTC"));
        publish(new TaskCreated(
                UUID.randomUUID().toString(),
                tenant,
                "task-t",
                1,
                Instant.now(),
                system(),
                "Send the invoice",
                "EMAIL",
                "rep-t",
                "sales",
                null,
                null,
                null,
                null,
                null,
                null));
        await().atMost(Duration.ofSeconds(30)).until(() -> mailTo(address).size() == 1);
        var mail = mailTo(address).getFirst();
        assertThat(mail.getSubject()).isEqualTo("[ACME] Send the invoice");
        assertThat(mail.getContent().toString()).isEqualTo("Dear Tina, please: Send the invoice");
    }

    @Autowired
    MeterRegistry meters;

    private double deliveries(String outcome, String channel) {
        return meters.get("crm.notifications.deliveries." + outcome)
                .tag("channel", channel)
                .counter()
                .count();
    }

    @Test
    void preferencesSuppressUnwantedChannelsAndQuietHoursHoldMailUntilMorning() {
        String tenant = unique("t");
        // Other tests' deliveries settle in the background meanwhile: the counters move at least by this test's.
        double suppressedMail = deliveries("suppressed", "EMAIL");
        double sentInApp = deliveries("sent", "IN_APP");
        double sentMail = deliveries("sent", "EMAIL");
        String address = "quinn@" + tenant + ".test";
        team(tenant, "sales", List.of(), member("rep-q", "Quinn", address, null, "en", "Asia/Tokyo"));
        LocalTime nowInTokyo = Instant.now().atZone(ZoneId.of("Asia/Tokyo")).toLocalTime();
        String start = nowInTokyo.minusHours(1).withSecond(0).withNano(0).toString();
        String end = nowInTokyo.plusHours(2).withSecond(0).withNano(0).toString();
        var put = call("PUT", "/api/notifications/preferences", user(tenant, "rep-q"), """
                {"channels":{"TaskCreated":["IN_APP"]},"quietHours":{"start":"%s","end":"%s"},"digests":["WEEKLY"]}""".formatted(start, end));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(call(
                                "PUT",
                                "/api/notifications/preferences",
                                user(tenant, "rep-q"),
                                "{\"channels\":{\"$where\":[\"EMAIL\"]},\"digests\":[]}")
                        .statusCode())
                .isEqualTo(400);

        var created = new TaskCreated(
                UUID.randomUUID().toString(),
                tenant,
                "task-q1",
                1,
                Instant.now(),
                system(),
                "Not by mail",
                "CALL",
                "rep-q",
                "sales",
                null,
                null,
                null,
                null,
                null,
                null);
        var dueSoon = new TaskDueSoon(
                UUID.randomUUID().toString(),
                tenant,
                "task-q2",
                2,
                Instant.now(),
                system(),
                "Wait for morning",
                "rep-q",
                "sales",
                Instant.now().plusSeconds(600),
                null,
                null,
                null);
        publish(created);
        publish(dueSoon);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var byCreated = call(
                            "GET",
                            "/api/notifications/deliveries?channel=EMAIL&sourceEventId=" + created.eventId(),
                            user(tenant, "rep-q"),
                            null)
                    .body();
            assertThat(JsonPath.<List<String>>read(byCreated, "$[*].status")).containsExactly("SUPPRESSED");
            assertThat(JsonPath.<List<String>>read(byCreated, "$[*].reason")).containsExactly("PREFERENCE");
            var byDueSoon = call(
                            "GET",
                            "/api/notifications/deliveries?channel=EMAIL&sourceEventId=" + dueSoon.eventId(),
                            user(tenant, "rep-q"),
                            null)
                    .body();
            assertThat(JsonPath.<List<String>>read(byDueSoon, "$[*].status")).containsExactly("PENDING");
            Instant next = Instant.parse(JsonPath.read(byDueSoon, "$[0].nextAttemptAt"));
            assertThat(next).isAfter(Instant.now().plusSeconds(3600));
            // in-app is not held back
            assertThat(JsonPath.<List<Object>>read(
                            call("GET", "/api/notifications", user(tenant, "rep-q"), null)
                                    .body(),
                            "$"))
                    .hasSize(2);
        });
        assertThat(mailTo(address)).isEmpty();
        assertThat(deliveries("suppressed", "EMAIL")).isGreaterThanOrEqualTo(suppressedMail + 1);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(deliveries("sent", "IN_APP")).isGreaterThanOrEqualTo(sentInApp + 2));

        // after the quiet hours the held mail goes out
        clock.advance(Duration.ofHours(3));
        await().atMost(Duration.ofSeconds(30)).until(() -> mailTo(address).size() == 1);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(deliveries("sent", "EMAIL")).isGreaterThanOrEqualTo(sentMail + 1));
    }

    private void route(String tenant, String topic, String audience, String channel) {
        var response = call(
                "PUT",
                "/api/notifications/routes/" + topic,
                admin(tenant),
                "{\"rules\":[{\"audience\":\"" + audience + "\",\"channels\":[\"" + channel + "\"]}]}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
}
