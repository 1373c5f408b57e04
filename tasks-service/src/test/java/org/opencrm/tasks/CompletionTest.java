package org.opencrm.tasks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.client.WireMock;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Actor;
import org.opencrm.events.Money;
import org.opencrm.events.deals.DealLost;

/** "Next step or close": completing a task of an open deal. */
class CompletionTest extends TasksIntegrationTest {

    private String openDealWithTask(String tenant, String token, String deal) {
        send(dealCreated(tenant, deal, "m1", "sales"));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("/api/tasks/missing-next-step", admin(tenant))
                        .<List<String>>json("$.items[*].dealId")
                        .contains(deal));
        return createTask(tenant, token, null, "sales", now().plus(Duration.ofHours(2)), deal, "contact-" + deal);
    }

    @Test
    void completingATaskOfAnOpenDealWithoutNextStepOrCloseIsRefused() {
        String tenant = unique("t");
        String token = manager(tenant, "m1", "sales");
        String deal = unique("deal");
        String task = openDealWithTask(tenant, token, deal);

        var response = post("/api/tasks/" + task + "/complete", token, "{\"outcome\": \"CALLED\"}");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.<String>json("$.type")).isEqualTo("https://opencrm.org/problems/validation");
        assertThat(response.<List<String>>json("$.errors[*].field")).containsExactly("nextStep");
        assertThat(get("/api/tasks/" + task, token).<String>json("$.status")).isEqualTo("OPEN");
    }

    @Test
    void completingWithANextStepCreatesTheNextTaskForTheSameDeal() {
        String tenant = unique("t");
        String token = manager(tenant, "m1", "sales");
        String deal = unique("deal");
        String task = openDealWithTask(tenant, token, deal);

        var response = post("/api/tasks/" + task + "/complete", token, """
                {"outcome": "CALLED", "nextStep": {"title": "Send the offer", "type": "EMAIL", "dueAt": "%s"}}
                """.formatted(now().plus(Duration.ofDays(1))));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.<String>json("$.status")).isEqualTo("COMPLETED");
        String next = response.json("$.nextStepTaskId");
        var nextTask = get("/api/tasks/" + next, token);
        assertThat(nextTask.<String>json("$.dealId")).isEqualTo(deal);
        assertThat(nextTask.<String>json("$.assigneeId")).isEqualTo("m1");
        assertThat(nextTask.<String>json("$.status")).isEqualTo("OPEN");
        try (var topic = tasksTopic()) {
            var completed = topic.await(event(tenant, "TaskCompleted", task), 1, Duration.ofSeconds(20));
            assertThat(this.<String>value(completed.getFirst(), "$.nextStepTaskId"))
                    .isEqualTo(next);
            assertThat(this.<Boolean>value(completed.getFirst(), "$.dealClosed"))
                    .isFalse();
        }
    }

    @Test
    void closeDealClosesTheDealInDealsServiceAsTheCallerAndCompletesTheTask() {
        String tenant = unique("t");
        String token = manager(tenant, "m1", "sales");
        String deal = unique("deal");
        String task = openDealWithTask(tenant, token, deal);
        DEALS.stubFor(WireMock.post(urlEqualTo("/api/deals/" + deal + "/close"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id\": \"" + deal + "\"}")));

        var response = post("/api/tasks/" + task + "/complete", token, """
                {"outcome": "REFUSED", "closeDeal": {"lossReason": "too-expensive", "comment": "went elsewhere"}}
                """);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.<Boolean>json("$.dealClosed")).isTrue();
        DEALS.verify(
                postRequestedFor(urlEqualTo("/api/deals/" + deal + "/close"))
                        .withHeader("Authorization", equalTo("Bearer " + token))
                        .withRequestBody(
                                equalToJson(
                                        "{\"outcome\": \"LOST\", \"lossReason\": \"too-expensive\", \"comment\": \"went elsewhere\"}")));
    }

    @Test
    void aRefusalByDealsServiceReachesTheCallerAndTheTaskStaysOpen() {
        String tenant = unique("t");
        String token = manager(tenant, "m1", "sales");
        String deal = unique("deal");
        String task = openDealWithTask(tenant, token, deal);
        DEALS.stubFor(WireMock.post(urlEqualTo("/api/deals/" + deal + "/close"))
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/problem+json")
                        .withBody("""
                                {"type": "https://opencrm.org/problems/validation", "title": "Invalid request",
                                 "status": 400, "detail": "The request has invalid fields; see errors.",
                                 "errors": [{"field": "lossReason", "message": "is not a loss reason of this tenant"}]}
                                """)));

        var response = post(
                "/api/tasks/" + task + "/complete",
                token,
                "{\"outcome\": \"REFUSED\", \"closeDeal\": {\"lossReason\": \"unknown-reason\"}}");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.<String>json("$.errors[0].field")).isEqualTo("lossReason");
        assertThat(get("/api/tasks/" + task, token).<String>json("$.status")).isEqualTo("OPEN");
    }

    @Test
    void aLostDealCancelsItsOpenTasksAndItsTasksNeedNoNextStep() {
        String tenant = unique("t");
        String token = manager(tenant, "m1", "sales");
        String deal = unique("deal");
        String task = openDealWithTask(tenant, token, deal);

        send(new DealLost(
                UUID.randomUUID().toString(),
                tenant,
                deal,
                2,
                now(),
                Actor.user("m1"),
                "pipeline-windows",
                "lost",
                "first-call",
                "too-expensive",
                "contact-" + deal,
                "m1",
                "sales",
                new Money(new BigDecimal("1200.00"), "EUR"),
                now()));

        await().atMost(Duration.ofSeconds(20))
                .until(() -> "CANCELLED".equals(get("/api/tasks/" + task, token).json("$.status")));
        String later = createTask(tenant, token, null, "sales", now().plus(Duration.ofHours(1)), deal, null);
        var completed = post("/api/tasks/" + later + "/complete", token, "{\"outcome\": \"DONE\"}");
        assertThat(completed.status()).as(completed.body()).isEqualTo(200);
    }

    private <T> T value(org.apache.kafka.clients.consumer.ConsumerRecord<String, String> record, String path) {
        return field(record, path);
    }
}
