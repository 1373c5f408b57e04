package org.opencrm.contacts.card;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.PathNotFoundException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Actor;
import org.opencrm.events.Money;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.events.tasks.TaskCompleted;
import org.opencrm.events.tasks.TaskCreated;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/**
 * The screen pop answers from the phone entry's copy of each card (one read of the entry, one of the
 * summaries): the copy follows every change of the card, an older copy written late never replaces a newer
 * one, and an entry without copies (written before they existed) is still answered, from the cards.
 */
class ScreenPopViewTest extends ContactsApiTest {

    @Autowired
    MongoCommands commands;

    @Autowired
    ContactIndex index;

    @Test
    void theScreenPopReadsThePhoneEntryAndTheSummariesButNotTheCard() {
        String tenant = newTenant();
        String token = admin(tenant);
        String id = create(token, """
                {"kind": "PERSON", "firstName": "Olga", "lastName": "Viewova", "phones": [{"number": "+7 495 100 00 01"}]}""");

        var before = commands.snapshot();
        var pop = get("/api/contacts/lookup?phone=" + enc("+74951000001"), token);
        var sent = requestReads(MongoCommands.since(before, commands.snapshot()));

        assertThat(pop.statusCode()).isEqualTo(200);
        assertThat(json(pop, "$[*].contact.id").toString()).contains(id);
        assertThat(json(pop, "$[0].contact.displayName").toString()).isEqualTo("Olga Viewova");
        assertThat(sent).containsOnlyKeys("find phone_index", "find contact_summaries");
        assertThat(sent.values()).containsOnly(1L);
    }

    @Test
    void anEditIsShownAtOnceAndALateCopyOfAnOlderVersionChangesNothing() {
        String tenant = newTenant();
        String token = admin(tenant);
        String id = create(token, """
                {"kind": "PERSON", "lastName": "Staryh", "city": "Tver", "phones": [{"number": "+7 495 100 00 02"}]}""");
        Document first = mongo.findById(id, Document.class, "contacts");

        assertThat(send("PATCH", "/api/contacts/" + id, token, "{\"lastName\": \"Novyh\", \"city\": \"Pskov\"}")
                        .statusCode())
                .isEqualTo(200);
        assertThat(json(pop("+74951000002", token), "$[0].contact.lastName").toString())
                .isEqualTo("Novyh");

        // the save of version 0 finishing only now, after the edit: its copy must not come back
        Contact late = mongo.getConverter().read(Contact.class, first);
        var keys = ContactIndex.keysOf(late);
        index.afterSave(late, keys, keys);

        var pop = pop("+74951000002", token);
        assertThat(json(pop, "$[0].contact.lastName").toString()).isEqualTo("Novyh");
        assertThat(json(pop, "$[0].contact.city").toString()).isEqualTo("Pskov");
        assertThat(json(pop, "$[0].contact.version").toString()).isEqualTo("1");
    }

    @Test
    void aPhoneTakenOffTheCardNoLongerFindsItAndTheNewOneDoes() {
        String tenant = newTenant();
        String token = admin(tenant);
        String id = create(token, """
                {"kind": "PERSON", "lastName": "Pereezdov", "phones": [{"number": "+7 495 100 00 03"}]}""");
        assertThat(ids(pop("+74951000003", token))).containsExactly(id);

        send("PATCH", "/api/contacts/" + id, token, "{\"phones\": [{\"number\": \"+7 495 100 00 04\"}]}");

        assertThat(ids(pop("+74951000003", token))).isEmpty();
        assertThat(ids(pop("+74951000004", token))).containsExactly(id);
    }

    @Test
    void aCardMovedToAnotherDepartmentPopsUpThereAndNoLongerInTheOldOne() {
        String tenant = newTenant();
        String sales = manager(tenant, "m1", "sales");
        String support = manager(tenant, "m2", "support");
        String id = create(sales, """
                {"kind": "PERSON", "lastName": "Otdelov", "phones": [{"number": "+7 495 100 00 05"}]}""");
        send("PATCH", "/api/contacts/" + id, admin(tenant), "{\"ownerId\": null}");
        assertThat(ids(pop("+74951000005", manager(tenant, "m3", "sales")))).containsExactly(id);
        assertThat(ids(pop("+74951000005", support))).isEmpty();

        send("PATCH", "/api/contacts/" + id, admin(tenant), "{\"departmentId\": \"support\"}");

        assertThat(ids(pop("+74951000005", support))).containsExactly(id);
        assertThat(ids(pop("+74951000005", manager(tenant, "m3", "sales")))).isEmpty();

        send("PATCH", "/api/contacts/" + id, admin(tenant), "{\"ownerId\": \"m2\"}");
        assertThat(json(pop("+74951000005", support), "$[0].contact.ownerId").toString())
                .isEqualTo("m2");
    }

    @Test
    void anArchivedCardIsGoneFromTheScreenPopUntilRestored() {
        String tenant = newTenant();
        String token = admin(tenant);
        String id = create(token, """
                {"kind": "PERSON", "lastName": "Arhivov", "phones": [{"number": "+7 495 100 00 06"}]}""");

        assertThat(send("DELETE", "/api/contacts/" + id, token, null).statusCode())
                .isEqualTo(204);
        assertThat(ids(pop("+74951000006", token))).isEmpty();

        assertThat(post("/api/contacts/" + id + "/restore", token, null).statusCode())
                .isEqualTo(200);
        assertThat(ids(pop("+74951000006", token))).containsExactly(id);
    }

    @Test
    void afterAMergeTheDuplicatesPhoneShowsTheSurvivorWithBothCardsActivity() {
        String tenant = newTenant();
        String token = admin(tenant);
        String survivor = create(token, """
                {"kind": "PERSON", "firstName": "Anna", "lastName": "Slitova", "phones": [{"number": "+7 495 100 00 07"}]}""");
        String duplicate =
                send("POST", "/api/contacts?allowDuplicate=true", token, """
                {"kind": "PERSON", "firstName": "Anna", "lastName": "Slitova", "phones": [{"number": "+7 495 100 00 08"}]}""").body();
        String duplicateId = com.jayway.jsonpath.JsonPath.read(duplicate, "$.id");
        publish(dealCreated(tenant, duplicateId, "700.00"));
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptionsInstanceOf(PathNotFoundException.class)
                .untilAsserted(() -> assertThat(json(pop("+74951000008", token), "$[0].summary.openDeals")
                                .toString())
                        .isEqualTo("1"));

        assertThat(post("/api/contacts/" + survivor + "/merge", token, """
                        {"duplicateId": "%s"}""".formatted(duplicateId))
                        .statusCode())
                .isEqualTo(200);

        var pop = pop("+74951000008", token);
        assertThat(ids(pop)).containsExactly(survivor);
        assertThat(json(pop, "$[0].contact.mergedIds").toString()).contains(duplicateId);
        assertThat(json(pop, "$[0].summary.openDeals").toString()).isEqualTo("1");
        assertThat(ids(pop("+74951000007", token))).containsExactly(survivor);
    }

    @Test
    void theNextTaskAndTheLastInteractionFollowTheirEvents() {
        String tenant = newTenant();
        String token = admin(tenant);
        String id = create(token, """
                {"kind": "PERSON", "lastName": "Zadachin", "phones": [{"number": "+7 495 100 00 09"}]}""");
        String task = UUID.randomUUID().toString();
        publish(new TaskCreated(
                UUID.randomUUID().toString(),
                tenant,
                task,
                1,
                Instant.now(),
                Actor.user("admin-1"),
                "Call about the offer",
                "CALL",
                "admin-1",
                null,
                Instant.parse("2031-03-01T09:00:00Z"),
                "NORMAL",
                null,
                id,
                null,
                null));
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptionsInstanceOf(PathNotFoundException.class)
                .untilAsserted(() -> assertThat(json(pop("+74951000009", token), "$[0].summary.nextOpenTask.taskId")
                                .toString())
                        .isEqualTo(task));

        publish(new TaskCompleted(
                UUID.randomUUID().toString(),
                tenant,
                task,
                2,
                Instant.now(),
                Actor.user("admin-1"),
                "CALL",
                "admin-1",
                null,
                null,
                "reached",
                null,
                id,
                null,
                false));
        post("/api/contacts/" + id + "/interactions", token, """
                {"type": "CALL", "direction": "OUTBOUND", "outcome": "reached", "occurredAt": "2026-11-02T10:00:00Z"}""");

        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptionsInstanceOf(PathNotFoundException.class)
                .untilAsserted(() -> {
                    var pop = pop("+74951000009", token);
                    assertThat(json(pop, "$[0].summary.lastInteraction.type").toString())
                            .isEqualTo("CALL");
                    assertThat(json(pop, "$[0].summary").toString()).doesNotContain(task);
                });
    }

    @Test
    void anEntryWithoutCopiesIsAnsweredFromTheCardsUntilTheNextSaveWritesOne() {
        String tenant = newTenant();
        String token = admin(tenant);
        String id = create(token, """
                {"kind": "PERSON", "lastName": "Prezhnev", "phones": [{"number": "+7 495 100 00 10"}]}""");
        String key = tenant + "|+74951000010";
        mongo.updateFirst(
                new Query(Criteria.where("_id").is(key)), new Update().unset(ContactIndex.VIEWS), ContactIndex.PHONES);

        var before = commands.snapshot();
        assertThat(ids(pop("+74951000010", token))).containsExactly(id);
        assertThat(requestReads(MongoCommands.since(before, commands.snapshot())))
                .containsKey("find contacts");

        send("PATCH", "/api/contacts/" + id, token, "{\"city\": \"Kazan\"}");
        before = commands.snapshot();
        var pop = pop("+74951000010", token);
        assertThat(json(pop, "$[0].contact.city").toString()).isEqualTo("Kazan");
        assertThat(requestReads(MongoCommands.since(before, commands.snapshot())))
                .doesNotContainKey("find contacts");
    }

    private HttpResponse pop(String phone, String token) {
        var response = get("/api/contacts/lookup?phone=" + enc(phone), token);
        assertThat(response.statusCode()).isEqualTo(200);
        return new HttpResponse(response);
    }

    /** The answer, so the helpers above read as the assertions they make. */
    private record HttpResponse(java.net.http.HttpResponse<String> response) {}

    private static <T> T json(HttpResponse pop, String path) {
        return json(pop.response(), path);
    }

    private static List<String> ids(HttpResponse pop) {
        return json(pop.response(), "$[*].contact.id");
    }

    /** The reads request threads sent, as "command collection" (request threads are named http-nio-...). */
    private static Map<String, Long> requestReads(Map<String, Long> sent) {
        var reads = new java.util.TreeMap<String, Long>();
        sent.forEach((key, count) -> {
            if (key.startsWith("http-nio") && key.contains(" find ")) {
                reads.merge(key.substring(key.indexOf(' ') + 1), count, Long::sum);
            }
        });
        return reads;
    }

    private static DealCreated dealCreated(String tenant, String contactId, String amount) {
        return new DealCreated(
                UUID.randomUUID().toString(),
                tenant,
                UUID.randomUUID().toString(),
                1,
                Instant.now(),
                Actor.user("admin-1"),
                "p1",
                "first-call",
                "OPEN",
                0,
                10,
                "Deal of the duplicate",
                contactId,
                null,
                "admin-1",
                null,
                Money.of(amount, "RUB"),
                "website",
                null,
                null);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
