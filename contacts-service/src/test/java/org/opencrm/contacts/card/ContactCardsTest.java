package org.opencrm.contacts.card;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.Topics;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.KafkaTestConsumer;
import org.opencrm.testkit.TestInfrastructure;

/** Cards: create, read, merge-patch with If-Match, archive and restore, erasure, audit, custom fields, inputs. */
class ContactCardsTest extends ContactsApiTest {

    @Test
    void aCardIsCreatedReadPatchedAndArchivedWithItsEvents() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        var created = post("/api/contacts", token, """
                {"kind": "PERSON", "firstName": "Anna", "lastName": "Smirnova", "city": "Moscow",
                 "phones": [{"number": "8 (495) 123-45-67", "type": "WORK"}], "emails": [" Anna@Example.COM "],
                 "consent": {"email": true}}""");

        assertThat(created.statusCode()).isEqualTo(201);
        String id = json(created, "$.id");
        assertThat(created.headers().firstValue("Location")).hasValue("/api/contacts/" + id);
        assertThat(created.headers().firstValue("ETag")).hasValue("\"0\"");
        assertThat(json(created, "$.phones[0].number").toString()).isEqualTo("+74951234567");
        assertThat(json(created, "$.emails[0]").toString()).isEqualTo("anna@example.com");
        assertThat(json(created, "$.ownerId").toString()).isEqualTo("m1");
        assertThat(json(created, "$.departmentId").toString()).isEqualTo("sales");
        assertThat((Boolean) json(created, "$.consent.email.granted")).isTrue();

        var patched = send("PATCH", "/api/contacts/" + id, token, """
                {"city": "Kazan", "tags": ["vip"], "consent": {"email": null}}""", "If-Match", "\"0\"");
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(patched.headers().firstValue("ETag")).hasValue("\"1\"");
        assertThat(json(patched, "$.city").toString()).isEqualTo("Kazan");
        assertThat(json(patched, "$.tags").toString()).contains("vip");
        assertThat(json(patched, "$.firstName").toString()).isEqualTo("Anna");

        assertThat(send("DELETE", "/api/contacts/" + id, token, null).statusCode())
                .isEqualTo(204);
        assertThat(get("/api/contacts/" + id, token).statusCode()).isEqualTo(404);
        assertThat(json(get("/api/contacts", token), "$.items").toString()).isEqualTo("[]");
        var asAdmin = get("/api/contacts/" + id, admin(tenant));
        assertThat(asAdmin.statusCode()).isEqualTo(200);
        assertThat((Boolean) json(asAdmin, "$.archived")).isTrue();
        assertThat(post("/api/contacts/" + id + "/restore", admin(tenant), null).statusCode())
                .isEqualTo(200);
        assertThat(get("/api/contacts/" + id, token).statusCode()).isEqualTo(200);

        try (var events = KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.CONTACTS)) {
            var records = events.await(r -> id.equals(r.key()), 4, Duration.ofSeconds(30));
            assertThat(records.stream()
                            .map(r -> EventRecords.header(r.headers(), EventHeaders.TYPE)
                                    .orElseThrow())
                            .toList())
                    .containsExactly(
                            "crm.contacts.ContactCreated.v1",
                            "crm.contacts.ContactUpdated.v1",
                            "crm.contacts.ContactArchived.v1",
                            "crm.contacts.ContactRestored.v1");
            var updated = EventRecords.decode(records.get(1)).orElseThrow();
            assertThat(((org.opencrm.events.contacts.ContactUpdated) updated).changedFields())
                    .containsExactlyInAnyOrder("city", "tags", "consent.email");
            assertThat(records.get(0).value())
                    .doesNotContain("1234567")
                    .doesNotContain("123-45-67")
                    .doesNotContain("anna@example.com");
        }
    }

    @Test
    void aStaleIfMatchIsRefusedAndNothingChanges() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        String id = create(token, """
                {"kind": "COMPANY", "name": "Okna Plus", "city": "Tver"}""");
        assertThat(send("PATCH", "/api/contacts/" + id, token, "{\"city\": \"Tula\"}", "If-Match", "\"0\"")
                        .statusCode())
                .isEqualTo(200);

        var stale = send("PATCH", "/api/contacts/" + id, token, "{\"city\": \"Omsk\"}", "If-Match", "\"0\"");

        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(stale.headers().firstValue("ETag")).hasValue("\"1\"");
        var current = get("/api/contacts/" + id, token);
        assertThat(json(current, "$.city").toString()).isEqualTo("Tula");
        assertThat(current.headers().firstValue("ETag")).hasValue("\"1\"");
        assertThat(send("DELETE", "/api/contacts/" + id, token, null, "If-Match", "\"0\"")
                        .statusCode())
                .isEqualTo(412);
        assertThat((Boolean) json(get("/api/contacts/" + id, token), "$.archived"))
                .isFalse();
    }

    @Test
    void theAuditShowsWhoChangedWhichFieldFromWhatToWhat() {
        String tenant = newTenant();
        String token = manager(tenant, "m7", "sales");
        String id = create(token, """
                {"kind": "PERSON", "lastName": "Orlov", "city": "Perm"}""");
        send("PATCH", "/api/contacts/" + id, token, "{\"city\": \"Ufa\"}");

        var audit = get("/api/contacts/" + id + "/audit", token);

        assertThat(audit.statusCode()).isEqualTo(200);
        List<Map<String, Object>> entries = json(audit, "$");
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0)).containsEntry("action", "UPDATED").containsEntry("actorId", "m7");
        assertThat(entries.get(0).get("changes").toString())
                .contains("city")
                .contains("Perm")
                .contains("Ufa");
        assertThat(entries.get(1)).containsEntry("action", "CREATED");
    }

    @Test
    void aBadCustomValueIsA400NamingTheFieldAndGoodValuesAreKeptTyped() {
        String tenant = newTenant();
        String adminToken = admin(tenant);
        assertThat(post("/api/contacts/custom-fields", adminToken, """
                        {"key": "budget", "label": "Budget", "type": "NUMBER"}""").statusCode())
                .isEqualTo(201);
        assertThat(post("/api/contacts/custom-fields", adminToken, """
                        {"key": "segment", "label": "Segment", "type": "ENUM", "options": ["b2b", "b2c"], "required": true}""").statusCode())
                .isEqualTo(201);
        String token = manager(tenant, "m1", "sales");

        var bad = post("/api/contacts", token, """
                {"kind": "PERSON", "lastName": "Lee", "customFields": {"budget": "lots", "segment": "retail", "colour": 1}}""");

        assertThat(bad.statusCode()).isEqualTo(400);
        List<String> fields = json(bad, "$.errors[*].field");
        assertThat(fields)
                .containsExactlyInAnyOrder("customFields.budget", "customFields.segment", "customFields.colour");
        var missing = post("/api/contacts", token, """
                {"kind": "PERSON", "lastName": "Lee"}""");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(json(missing, "$.errors[0].field").toString()).isEqualTo("customFields.segment");

        String id = create(token, """
                {"kind": "PERSON", "lastName": "Lee", "customFields": {"budget": 1500.5, "segment": "b2b"}}""");
        // found by the security suite's fuzzer: a null option was a 500
        var nullOption = post("/api/contacts/custom-fields", adminToken, """
                        {"key": "tier", "type": "ENUM", "options": [null, "gold", "gold"]}""");
        assertThat(nullOption.statusCode()).isEqualTo(400);
        assertThat(json(nullOption, "$.errors[0].field").toString()).isEqualTo("options");
        var card = get("/api/contacts/" + id, token);
        assertThat((Double) json(card, "$.customFields.budget")).isEqualTo(1500.5);
        var patch = send("PATCH", "/api/contacts/" + id, token, "{\"customFields\": {\"budget\": true}}");
        assertThat(patch.statusCode()).isEqualTo(400);
        assertThat(json(patch, "$.errors[0].field").toString()).isEqualTo("customFields.budget");
    }

    @Test
    void operatorObjectsInAnyInputAreA400() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        post("/api/contacts/custom-fields", admin(tenant), """
                {"key": "note", "type": "TEXT"}""");
        String id = create(token, """
                {"kind": "PERSON", "lastName": "Petrov"}""");

        var inName = post("/api/contacts", token, """
                {"kind": "PERSON", "lastName": {"$ne": ""}}""");
        var inPhone = post("/api/contacts", token, """
                {"kind": "PERSON", "lastName": "X", "phones": [{"number": {"$gt": ""}}]}""");
        var inCustom = post("/api/contacts", token, """
                {"kind": "PERSON", "lastName": "X", "customFields": {"note": {"$ne": ""}}}""");
        var inCustomKey = post("/api/contacts", token, """
                {"kind": "PERSON", "lastName": "X", "customFields": {"$where": "1"}}""");
        var inPatch = send("PATCH", "/api/contacts/" + id, token, """
                {"emails": {"$ne": ""}}""");
        var inInteraction = post("/api/contacts/" + id + "/interactions", token, """
                {"type": "CALL", "summary": {"$ne": ""}}""");
        var inMerge = post("/api/contacts/" + id + "/merge", token, """
                {"duplicateId": {"$ne": ""}}""");
        var inQuery = get("/api/contacts?cf.note%5B%24ne%5D=x", token);

        for (var response : List.of(inName, inPhone, inCustom, inCustomKey, inPatch, inInteraction, inMerge, inQuery)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
        assertThat(json(inName, "$.errors[0].field").toString()).isEqualTo("lastName");
        assertThat(json(get("/api/contacts/" + id, token), "$.lastName").toString())
                .isEqualTo("Petrov");
    }

    @Test
    void erasureReplacesPersonalDataKeepsHistoryAndTellsEveryone() {
        String tenant = newTenant();
        String adminToken = admin(tenant);
        String id = create(adminToken, """
                {"kind": "PERSON", "firstName": "Olga", "lastName": "Ivanova", "phones": [{"number": "+7 916 555 44 33"}],
                 "emails": ["olga@example.com"], "address": "Lenina 1", "notes": "likes blue"}""");
        post("/api/contacts/" + id + "/interactions", adminToken, """
                {"type": "CALL", "direction": "INBOUND", "summary": "Olga asked about windows"}""");
        assertThat(post("/api/contacts/" + id + "/erase", manager(tenant, "m1", "sales"), null)
                        .statusCode())
                .isEqualTo(403);

        var erased = post("/api/contacts/" + id + "/erase", adminToken, null);

        assertThat(erased.statusCode()).isEqualTo(200);
        assertThat(erased.body())
                .doesNotContain("Olga")
                .doesNotContain("Ivanova")
                .doesNotContain("5554433")
                .doesNotContain("555 44 33")
                .doesNotContain("olga@")
                .doesNotContain("Lenina")
                .doesNotContain("blue");
        assertThat((Boolean) json(erased, "$.erased")).isTrue();
        var timeline = get("/api/contacts/" + id + "/timeline", adminToken);
        assertThat(json(timeline, "$.items[0].type").toString()).isEqualTo("CALL");
        assertThat(timeline.body()).doesNotContain("Olga");
        assertThat(get("/api/contacts/" + id + "/audit", adminToken).body())
                .doesNotContain("Olga")
                .doesNotContain("Lenina");
        assertThat(json(get("/api/contacts/lookup?phone=%2B79165554433", adminToken), "$")
                        .toString())
                .isEqualTo("[]");
        try (var events = KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.CONTACTS)) {
            events.await(
                    r -> id.equals(r.key())
                            && "crm.contacts.ContactErased.v1"
                                    .equals(EventRecords.header(r.headers(), EventHeaders.TYPE)
                                            .orElse(null)),
                    1,
                    Duration.ofSeconds(30));
        }
    }
}
