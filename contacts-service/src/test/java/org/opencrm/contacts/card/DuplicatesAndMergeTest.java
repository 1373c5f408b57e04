package org.opencrm.contacts.card;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.Topics;
import org.opencrm.events.contacts.ContactsMerged;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.KafkaTestConsumer;
import org.opencrm.testkit.TestInfrastructure;

/** Duplicates caught at entry, the review list with its background scan, and merging. */
class DuplicatesAndMergeTest extends ContactsApiTest {

    @Test
    void aDuplicateEmailInAnotherCaseIsRefusedWithTheExistingId() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        String existing = create(token, """
                {"kind": "PERSON", "lastName": "Kuznetsov", "emails": ["ivan.k@example.com"]}""");

        var duplicate = post("/api/contacts", token, """
                {"kind": "PERSON", "lastName": "Other", "emails": ["  IVAN.K@Example.com"]}""");

        assertThat(duplicate.statusCode()).isEqualTo(409);
        assertThat(json(duplicate, "$.type").toString()).isEqualTo("https://opencrm.org/problems/duplicate");
        assertThat(json(duplicate, "$.existingIds").toString()).isEqualTo("[\"" + existing + "\"]");
        assertThat(json(duplicate, "$.matches[0].reasons").toString()).contains("email:ivan.k@example.com");
        assertThat(json(get("/api/contacts", token), "$.items.length()").toString())
                .isEqualTo("1");
    }

    @Test
    void aDuplicatePhoneOrASimilarNameAcrossScriptsInTheSameCityIsRefusedUnlessAllowed() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        String existing = create(token, """
                {"kind": "PERSON", "firstName": "Юлия", "lastName": "Шишкина", "city": "Москва",
                 "phones": [{"number": "+7 495 111-22-33"}]}""");

        var samePhone = post("/api/contacts", token, """
                {"kind": "PERSON", "lastName": "Somebody", "phones": [{"number": "84951112233"}]}""");
        var sameName = post("/api/contacts", token, """
                {"kind": "PERSON", "firstName": "Yulia", "lastName": "Shishkina", "city": "Moskva"}""");
        var otherCity = post("/api/contacts", token, """
                {"kind": "PERSON", "firstName": "Yulia", "lastName": "Shishkina", "city": "Omsk"}""");

        assertThat(samePhone.statusCode()).isEqualTo(409);
        assertThat(json(samePhone, "$.matches[0].reasons").toString()).contains("phone:+74951112233");
        assertThat(sameName.statusCode()).isEqualTo(409);
        assertThat(json(sameName, "$.existingIds[0]").toString()).isEqualTo(existing);
        assertThat(json(sameName, "$.matches[0].reasons").toString()).contains("name:same-city");
        assertThat(otherCity.statusCode()).isEqualTo(201);

        var allowed = post("/api/contacts?allowDuplicate=true", token, """
                {"kind": "PERSON", "firstName": "Yulia", "lastName": "Shishkina", "city": "Moskva"}""");
        assertThat(allowed.statusCode()).isEqualTo(201);
        String second = json(allowed, "$.id");
        var review = get("/api/contacts/duplicates", token);
        assertThat(json(review, "$.items.length()").toString()).isEqualTo("1");
        assertThat(json(review, "$.items[0].origin").toString()).isEqualTo("ALLOWED");
        assertThat(List.of(
                        json(review, "$.items[0].a.id").toString(),
                        json(review, "$.items[0].b.id").toString()))
                .containsExactlyInAnyOrder(existing, second);
        // A known pair does not block later edits of either card.
        assertThat(send("PATCH", "/api/contacts/" + second, token, "{\"notes\": \"called\"}")
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void theBackgroundScanFindsDuplicatesAmongExistingCards() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        String a = create(token, """
                {"kind": "PERSON", "lastName": "Popov", "phones": [{"number": "+7 812 000 11 22"}]}""");
        String b = create(token, """
                {"kind": "PERSON", "lastName": "Sokolov", "emails": ["s@example.com"]}""");
        // The second card gets the first's phone by an edit someone forced through.
        assertThat(send("PATCH", "/api/contacts/" + b + "?allowDuplicate=true", token, """
                        {"phones": [{"number": "88120001122"}]}""")
                        .statusCode())
                .isEqualTo(200);
        mongoDropCandidates(tenant);

        var scan = post("/api/contacts/duplicates/scan", admin(tenant), null);

        assertThat(json(scan, "$.candidatesFound").toString()).isEqualTo("1");
        var review = get("/api/contacts/duplicates", token);
        assertThat(json(review, "$.items[0].origin").toString()).isEqualTo("SCAN");
        assertThat(json(review, "$.items[0].reasons").toString()).contains("phone:+78120001122");
        assertThat(List.of(
                        json(review, "$.items[0].a.id").toString(),
                        json(review, "$.items[0].b.id").toString()))
                .containsExactlyInAnyOrder(a, b);
    }

    @Test
    void aMergeKeepsEveryPhoneAndInteractionOfBothAndTheOtherCardPointsToTheSurvivor() {
        String tenant = newTenant();
        String token = org.opencrm.testkit.jwt.TestJwts.user("h1")
                .tenant(tenant)
                .departments("sales")
                .roles("HEAD")
                .mint();
        String survivor = create(token, """
                {"kind": "PERSON", "firstName": "Pavel", "lastName": "Morozov", "city": "Samara",
                 "phones": [{"number": "+7 846 200 00 01"}], "tags": ["vip"]}""");
        String duplicate = post("/api/contacts?allowDuplicate=true", token, """
                {"kind": "PERSON", "firstName": "Pavel", "lastName": "Morozov", "city": "Samara",
                 "phones": [{"number": "+7 846 200 00 02"}], "emails": ["pm@example.com"], "address": "Sadovaya 5"}""").body();
        String duplicateId = com.jayway.jsonpath.JsonPath.read(duplicate, "$.id");
        post("/api/contacts/" + survivor + "/interactions", token, """
                {"type": "CALL", "direction": "OUTBOUND", "summary": "first call"}""");
        post("/api/contacts/" + duplicateId + "/interactions", token, """
                {"type": "MEETING", "summary": "met at the office"}""");

        var merged = post("/api/contacts/" + survivor + "/merge", token, """
                {"duplicateId": "%s", "prefer": {"address": "duplicate"}}""".formatted(duplicateId));

        assertThat(merged.statusCode()).isEqualTo(200);
        List<String> phones = json(merged, "$.phones[*].number");
        assertThat(phones).containsExactly("+78462000001", "+78462000002");
        assertThat(json(merged, "$.emails").toString()).contains("pm@example.com");
        assertThat(json(merged, "$.address").toString()).isEqualTo("Sadovaya 5");
        assertThat(json(merged, "$.tags").toString()).contains("vip");
        List<String> history = json(get("/api/contacts/" + survivor + "/timeline", token), "$.items[*].type");
        assertThat(history).containsExactlyInAnyOrder("CALL", "MEETING");
        var tombstone = get("/api/contacts/" + duplicateId, token);
        assertThat(tombstone.statusCode()).isEqualTo(308);
        assertThat(tombstone.headers().firstValue("Location")).hasValue("/api/contacts/" + survivor);
        assertThat(json(tombstone, "$.survivorId").toString()).isEqualTo(survivor);
        List<String> found = json(get("/api/contacts/lookup?phone=88462000002", token), "$[*].contact.id");
        assertThat(found).containsExactly(survivor);
        assertThat(json(get("/api/contacts/duplicates", token), "$.items.length()")
                        .toString())
                .isEqualTo("0");
        try (var events = KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.CONTACTS)) {
            var record = events.await(
                            r -> survivor.equals(r.key())
                                    && "crm.contacts.ContactsMerged.v1"
                                            .equals(EventRecords.header(r.headers(), EventHeaders.TYPE)
                                                    .orElse(null)),
                            1,
                            Duration.ofSeconds(30))
                    .getFirst();
            var event = (ContactsMerged) EventRecords.decode(record).orElseThrow();
            assertThat(event.mergedContactId()).isEqualTo(duplicateId);
        }
    }

    private void mongoDropCandidates(String tenant) {
        mongo.remove(
                org.springframework.data.mongodb.core.query.Query.query(
                        org.springframework.data.mongodb.core.query.Criteria.where("tenantId")
                                .is(tenant)),
                "duplicate_candidates");
    }
}
