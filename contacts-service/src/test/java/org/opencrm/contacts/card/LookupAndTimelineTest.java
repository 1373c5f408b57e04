package org.opencrm.contacts.card;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.PathNotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Actor;
import org.opencrm.events.Money;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.events.deals.DealWon;
import org.opencrm.events.tasks.TaskCompleted;
import org.opencrm.events.tasks.TaskCreated;

/** The screen pop by phone with its summary from deal and task events, the timeline, and visibility. */
class LookupAndTimelineTest extends ContactsApiTest {

    @Test
    void theSamePhoneTypedThreeWaysFindsOneCardWithItsSummary() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        String id = create(token, """
                {"kind": "PERSON", "firstName": "Igor", "lastName": "Belov", "phones": [{"number": "+7 (495) 765-43-21"}]}""");
        String deal = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        publish(dealCreated(tenant, deal, id, 1, "1000.00"));
        publish(dealCreated(tenant, other, id, 1, "250.50"));
        publish(new DealWon(
                UUID.randomUUID().toString(),
                tenant,
                other,
                2,
                Instant.now(),
                Actor.user("m1"),
                "p1",
                "won",
                "offer",
                id,
                "m1",
                "sales",
                Money.of("250.50", "EUR"),
                Instant.now()));
        String task = UUID.randomUUID().toString();
        Instant due = Instant.parse("2030-01-01T10:00:00Z");
        publish(taskCreated(tenant, task, id, deal, due, "Call back"));
        publish(taskCreated(tenant, UUID.randomUUID().toString(), id, deal, due.plusSeconds(3600), "Later"));
        String done = UUID.randomUUID().toString();
        publish(taskCreated(tenant, done, id, deal, due.minusSeconds(3600), "Earlier but done"));
        publish(new TaskCompleted(
                UUID.randomUUID().toString(),
                tenant,
                done,
                2,
                Instant.now(),
                Actor.user("m1"),
                "CALL",
                "m1",
                "sales",
                null,
                "reached",
                deal,
                id,
                null,
                false));
        post("/api/contacts/" + id + "/interactions", token, """
                {"type": "CALL", "direction": "INBOUND", "outcome": "reached", "occurredAt": "2026-01-02T10:00:00Z"}""");

        // until the events are applied the summary lacks the fields asked for: JsonPath throws, and that is retried too
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptionsInstanceOf(PathNotFoundException.class)
                .untilAsserted(() -> {
                    var pop = get("/api/contacts/lookup?phone=" + enc("8 495 765 43 21"), token);
                    assertThat(json(pop, "$[0].summary.openDeals").toString()).isEqualTo("1");
                    assertThat(json(pop, "$[0].summary.nextOpenTask.taskId").toString())
                            .isEqualTo(task);
                    assertThat(json(pop, "$[0].summary.lastInteraction.type").toString())
                            .isEqualTo("CALL");
                });
        for (String typed : List.of("+74957654321", "8 (495) 765-43-21", "7 495 765 4321")) {
            var pop = get("/api/contacts/lookup?phone=" + enc(typed), token);
            assertThat(pop.statusCode()).isEqualTo(200);
            List<String> ids = json(pop, "$[*].contact.id");
            assertThat(ids).as(typed).containsExactly(id);
            assertThat(json(pop, "$[0].summary.openDealsSum[0].amount").toString())
                    .isEqualTo("1000.0");
            assertThat(json(pop, "$[0].summary.openDealsSum[0].currency").toString())
                    .isEqualTo("EUR");
        }
        assertThat(get("/api/contacts/lookup?phone=abc", token).statusCode()).isEqualTo(400);
    }

    @Test
    void deliveringDealEventsTwiceOrOutOfOrderChangesNothing() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        String id = create(token, """
                {"kind": "PERSON", "lastName": "Zaitsev", "phones": [{"number": "+7 495 700 00 01"}]}""");
        String deal = UUID.randomUUID().toString();
        var created = dealCreated(tenant, deal, id, 1, "500.00");
        var lost = new DealStageChanged(
                UUID.randomUUID().toString(),
                tenant,
                deal,
                2,
                created.occurredAt().plusSeconds(1), // later, to the millisecond the timeline keeps
                Actor.user("m1"),
                "p1",
                "offer",
                "lost",
                "LOST",
                "m1",
                "sales",
                "too expensive",
                "price",
                id,
                "OPEN",
                1,
                5,
                0,
                null,
                60);
        publish(created);
        publish(lost);
        publish(created);
        publish(lost);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var timeline = get("/api/contacts/" + id + "/timeline", token);
            assertThat(json(timeline, "$.items.length()").toString()).isEqualTo("2");
        });
        var pop = get("/api/contacts/lookup?phone=%2B74957000001", token);
        assertThat(json(pop, "$[0].summary.openDeals").toString()).isEqualTo("0");
        var timeline = get("/api/contacts/" + id + "/timeline", token);
        assertThat(json(timeline, "$.items[0].type").toString()).isEqualTo("DealStageChanged");
        assertThat(json(timeline, "$.items[0].summary").toString()).isEqualTo("too expensive");
        assertThat(json(timeline, "$.items[1].type").toString()).isEqualTo("DealCreated");
    }

    @Test
    void theTimelineIsNewestFirstAndCursorPaged() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        String id = create(token, """
                {"kind": "PERSON", "lastName": "Volkov"}""");
        for (int day = 1; day <= 5; day++) {
            assertThat(post("/api/contacts/" + id + "/interactions", token, """
                            {"type": "NOTE", "summary": "note %d", "occurredAt": "2026-03-0%dT09:00:00Z"}""".formatted(day, day))
                            .statusCode())
                    .isEqualTo(201);
        }

        var first = get("/api/contacts/" + id + "/timeline?size=2", token);
        List<String> firstPage = json(first, "$.items[*].summary");
        String next = json(first, "$.next");
        var second = get("/api/contacts/" + id + "/timeline?size=2&cursor=" + next, token);
        List<String> secondPage = json(second, "$.items[*].summary");
        var third = get("/api/contacts/" + id + "/timeline?size=2&cursor=" + json(second, "$.next"), token);

        assertThat(firstPage).containsExactly("note 5", "note 4");
        assertThat(secondPage).containsExactly("note 3", "note 2");
        assertThat(json(third, "$.items[*].summary").toString()).isEqualTo("[\"note 1\"]");
        assertThat(third.body()).doesNotContain("\"next\":\"");
    }

    @Test
    void anAppealNeedsATopicOfTheTenantsTaxonomy() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        String id = create(token, """
                {"kind": "PERSON", "lastName": "Frolov"}""");
        assertThat(send("PUT", "/api/contacts/appeal-topics/warranty", admin(tenant), """
                        {"label": "Warranty claim"}""")
                        .statusCode())
                .isEqualTo(200);

        var unknown = post("/api/contacts/" + id + "/interactions", token, """
                {"type": "APPEAL", "appealTopic": "refund", "appealText": "wants money back"}""");
        var known = post("/api/contacts/" + id + "/interactions", token, """
                {"type": "APPEAL", "appealTopic": "warranty", "appealText": "window leaks"}""");

        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown, "$.errors[0].field").toString()).isEqualTo("appealTopic");
        assertThat(known.statusCode()).isEqualTo(201);
        assertThat(json(get("/api/contacts/" + id + "/timeline", token), "$.items[0].appealTopic")
                        .toString())
                .isEqualTo("warranty");
    }

    @Test
    void aManagerCannotReadAnotherDepartmentsCardAndNoListLookupOrTimelineLeaksIt() {
        String tenant = newTenant();
        String sales = manager(tenant, "m1", "sales");
        String service = manager(tenant, "m2", "service");
        String id = create(sales, """
                {"kind": "PERSON", "lastName": "Secretov", "phones": [{"number": "+7 495 999 88 77"}]}""");
        // Unassigned in sales: every sales manager sees it, nobody from service.
        send("PATCH", "/api/contacts/" + id, admin(tenant), "{\"ownerId\": null}");
        assertThat(get("/api/contacts/" + id, manager(tenant, "m3", "sales")).statusCode())
                .isEqualTo(200);

        assertThat(get("/api/contacts/" + id, service).statusCode()).isEqualTo(404);
        assertThat(get("/api/contacts/" + id + "/timeline", service).statusCode())
                .isEqualTo(404);
        assertThat(get("/api/contacts/" + id + "/audit", service).statusCode()).isEqualTo(404);
        assertThat(send("PATCH", "/api/contacts/" + id, service, "{\"city\": \"X\"}")
                        .statusCode())
                .isEqualTo(404);
        assertThat(json(get("/api/contacts?q=secret", service), "$.items").toString())
                .isEqualTo("[]");
        assertThat(json(get("/api/contacts/lookup?phone=84959998877", service), "$")
                        .toString())
                .isEqualTo("[]");
        assertThat(json(get("/api/contacts?q=secret", sales), "$.items[0].id").toString())
                .isEqualTo(id);
        assertThat(get("/api/contacts/" + id, TestJwtsHolder.otherTenantAdmin()).statusCode())
                .isEqualTo(404);
    }

    static final class TestJwtsHolder {
        static String otherTenantAdmin() {
            return org.opencrm.testkit.jwt.TestJwts.user("a9")
                    .tenant(newTenant())
                    .roles("ADMIN")
                    .mint();
        }
    }

    private static String enc(String text) {
        return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static DealCreated dealCreated(String tenant, String deal, String contact, long version, String amount) {
        return new DealCreated(
                UUID.randomUUID().toString(),
                tenant,
                deal,
                version,
                Instant.now(),
                Actor.user("m1"),
                "p1",
                "first-call",
                "OPEN",
                0,
                10,
                "Windows for the flat",
                contact,
                null,
                "m1",
                "sales",
                Money.of(amount, "EUR"),
                "website",
                null,
                null);
    }

    private static TaskCreated taskCreated(
            String tenant, String task, String contact, String deal, Instant due, String title) {
        return new TaskCreated(
                UUID.randomUUID().toString(),
                tenant,
                task,
                1,
                Instant.now(),
                Actor.user("m1"),
                title,
                "CALL",
                "m1",
                "sales",
                due,
                "NORMAL",
                deal,
                contact,
                null,
                null);
    }
}
