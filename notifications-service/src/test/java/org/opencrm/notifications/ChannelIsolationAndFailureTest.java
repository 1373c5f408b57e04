package org.opencrm.notifications;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.Money;
import org.opencrm.events.Topics;
import org.opencrm.events.deals.DealWon;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.KafkaTestConsumer;
import org.opencrm.testkit.TestInfrastructure;
import org.springframework.beans.factory.annotation.Autowired;

/** DealWon's default audience, one channel's outage not reaching the others, and the failure event. */
class ChannelIsolationAndFailureTest extends NotificationsTestBase {

    @Autowired
    MeterRegistry meters;

    @Test
    void aWonDealReachesEveryActiveMemberOfTheTeamInApp() {
        String tenant = unique("t");
        team(
                tenant,
                "sales",
                List.of("boss"),
                member("rep-a", "Ada", "ada@" + tenant + ".test", null, "en", "UTC"),
                member("rep-b", "Boris", "boris@" + tenant + ".test", null, "ru", "Europe/Moscow"),
                new org.opencrm.events.teams.TeamMember(
                        "gone",
                        "Gone",
                        "gone@" + tenant + ".test",
                        null,
                        List.of("MANAGER"),
                        "UTC",
                        "en",
                        false,
                        null));
        var won = new DealWon(
                UUID.randomUUID().toString(),
                tenant,
                "deal-w",
                7,
                Instant.now(),
                system(),
                "p1",
                "won",
                "negotiation",
                "c-1",
                "rep-a",
                "sales",
                new Money(new BigDecimal("1200.00"), "EUR"),
                Instant.now().minusSeconds(86_400));

        publish(won);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var log = call("GET", "/api/notifications/deliveries?sourceEventId=" + won.eventId(), admin(tenant), null);
            assertThat(JsonPath.<List<String>>read(log.body(), "$[*].recipientId"))
                    .containsExactlyInAnyOrder("rep-a", "rep-b");
            assertThat(JsonPath.<List<String>>read(log.body(), "$[*].status")).containsOnly("SENT");
        });
        var ada = call("GET", "/api/notifications?unread=true", user(tenant, "rep-a"), null);
        assertThat(JsonPath.<List<String>>read(ada.body(), "$[*].body"))
                .containsExactly("Deal deal-w was won (1200.00 EUR).");
        var boris = call("GET", "/api/notifications?unread=true", user(tenant, "rep-b"), null);
        assertThat(JsonPath.<List<String>>read(boris.body(), "$[*].body"))
                .containsExactly("Сделка deal-w выиграна (1200.00 EUR).");
        // in-app only by default, and not to a member who left the rotation
        assertThat(call("GET", "/api/notifications?unread=true", user(tenant, "gone"), null)
                        .body())
                .isEqualTo("[]");
        assertThat(mailTo("ada@" + tenant + ".test")).isEmpty();
    }

    @Test
    void anSmsProviderThatNeverAnswersDoesNotHoldUpTheEmailsOfTheSameEvents() {
        String tenant = unique("t");
        String phone = "+4915200" + (100_000 + (int) (Math.random() * 800_000));
        String address = "dana@" + tenant + ".test";
        team(tenant, "sales", List.of(), member("rep-d", "Dana", address, phone, "en", "UTC"));
        var routed = call(
                "PUT",
                "/api/notifications/routes/TaskCreated",
                admin(tenant),
                "{\"rules\":[{\"audience\":\"ASSIGNEE\",\"channels\":[\"SMS\",\"EMAIL\"]}]}");
        assertThat(routed.statusCode()).as(routed.body()).isEqualTo(200);
        var toPhone = matchingJsonPath("$.to", equalTo(phone));
        // Longer than the SMS timeout: every attempt hangs until the client gives up.
        wiremock.stubFor(post(urlEqualTo("/sms"))
                .withRequestBody(toPhone)
                .willReturn(aResponse().withStatus(202).withFixedDelay(60_000)));
        try {
            // More events than the SMS bulkhead has permits, so a shared pool would be exhausted.
            List<String> eventIds = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                var created = taskCreated(tenant, "rep-d", "Task " + i);
                eventIds.add(created.eventId());
                publish(created);
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> mailTo(address).size() == 10);
            // All ten mails are out while the first SMS attempts have not even timed out yet.
            var sms = call("GET", "/api/notifications/deliveries?channel=SMS", admin(tenant), null);
            assertThat(JsonPath.<List<String>>read(sms.body(), "$[*].status")).containsOnly("PENDING");
            assertThat(JsonPath.<List<Integer>>read(sms.body(), "$[*].attempts"))
                    .containsOnly(0);
            var mail = call("GET", "/api/notifications/deliveries?channel=EMAIL", admin(tenant), null);
            assertThat(JsonPath.<List<String>>read(mail.body(), "$[*].sourceEventId"))
                    .containsExactlyInAnyOrderElementsOf(eventIds);
        } finally {
            // The provider recovers, so the queued SMS leave and free the channel for the other tests.
            wiremock.stubFor(post(urlEqualTo("/sms"))
                    .withRequestBody(toPhone)
                    .willReturn(aResponse().withStatus(202)));
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            var sms = call("GET", "/api/notifications/deliveries?channel=SMS", admin(tenant), null);
            assertThat(JsonPath.<List<String>>read(sms.body(), "$[*].status"))
                    .hasSize(10)
                    .containsOnly("SENT");
        });
    }

    @Test
    void aDeliveryThatCanNeverSucceedPublishesNotificationFailedOnce() {
        String tenant = unique("t");
        String phone = "+4915300" + (100_000 + (int) (Math.random() * 800_000));
        team(tenant, "sales", List.of(), member("rep-f", "Fred", null, phone, "en", "UTC"));
        var routed = call(
                "PUT",
                "/api/notifications/routes/TaskCreated",
                admin(tenant),
                "{\"rules\":[{\"audience\":\"ASSIGNEE\",\"channels\":[\"SMS\"]}]}");
        assertThat(routed.statusCode()).as(routed.body()).isEqualTo(200);
        // The provider refuses the number: no retry can help.
        wiremock.stubFor(post(urlEqualTo("/sms"))
                .withRequestBody(matchingJsonPath("$.to", equalTo(phone)))
                .willReturn(aResponse().withStatus(422)));
        var created = taskCreated(tenant, "rep-f", "Call Fred");
        var failedSms = meters.get("crm.notifications.deliveries.failed")
                .tag("channel", "SMS")
                .counter();
        double failedBefore = failedSms.count();

        try (var topic =
                KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.NOTIFICATIONS)) {
            publish(created);
            var failed = topic.await(r -> r.value().contains(created.eventId()), 1, Duration.ofSeconds(30))
                    .getFirst();
            assertThat(EventRecords.header(failed.headers(), EventHeaders.TYPE))
                    .contains("crm.notifications.NotificationFailed.v1");
            assertThat(EventRecords.header(failed.headers(), EventHeaders.TENANT))
                    .contains(tenant);
            assertThat(JsonPath.<String>read(failed.value(), "$.channel")).isEqualTo("SMS");
            assertThat(JsonPath.<String>read(failed.value(), "$.recipientId")).isEqualTo("rep-f");
            assertThat(JsonPath.<String>read(failed.value(), "$.reason")).isEqualTo("INVALID_ADDRESS");
            assertThat(JsonPath.<Integer>read(failed.value(), "$.attempts")).isEqualTo(1);
            assertThat(JsonPath.<String>read(failed.value(), "$.sourceEventType"))
                    .isEqualTo("crm.tasks.TaskCreated.v1");
            // The phone number is not in the event: a code, never the address.
            assertThat(failed.value()).doesNotContain(phone);

            assertThat(topic.drain(r -> r.value().contains(created.eventId()), Duration.ofSeconds(2)))
                    .hasSize(1);
        }
        var log = call("GET", "/api/notifications/deliveries?sourceEventId=" + created.eventId(), admin(tenant), null);
        assertThat(JsonPath.<List<String>>read(log.body(), "$[*].status")).containsExactly("FAILED");
        // Other tests' SMS may settle meanwhile: at least this one.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(failedSms.count()).isGreaterThanOrEqualTo(failedBefore + 1));
    }

    private static TaskCreated taskCreated(String tenant, String assignee, String title) {
        return new TaskCreated(
                UUID.randomUUID().toString(),
                tenant,
                "task-" + UUID.randomUUID(),
                1,
                Instant.now(),
                system(),
                title,
                "CALL",
                assignee,
                "sales",
                null,
                "NORMAL",
                null,
                null,
                null,
                null);
    }
}
