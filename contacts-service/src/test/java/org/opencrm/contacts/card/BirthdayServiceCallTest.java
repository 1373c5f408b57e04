package org.opencrm.contacts.card;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencrm.testkit.jwt.TestJwts;

/**
 * notifications-service's daily greetings read the day's birthdays with a service token (client credentials,
 * scope {@code contacts.birthdays}, no user): only live cards of the named tenant, found by the stored
 * month-day key that creation, updates, erasure and merges maintain; user tokens cannot use the endpoint.
 */
class BirthdayServiceCallTest extends ContactsApiTest {

    static String serviceToken() {
        return TestJwts.user("crm-notifications")
                .without("tenant")
                .without("departments")
                .without("roles")
                .claim("scope", "contacts.birthdays")
                .mint();
    }

    List<String> birthdayIds(String tenant, String date) {
        var response = get("/internal/contacts/birthdays?tenant=" + tenant + "&date=" + date, serviceToken());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response, "$.items[*].id");
    }

    @Test
    void aDaysBirthdaysAreTheLiveCardsOfThatTenantWithTheirConsentAndFirstAddresses() {
        String tenant = newTenant();
        String admin = admin(tenant);
        String anna = create(admin, """
                {"kind": "PERSON", "firstName": "Anna", "lastName": "Birthday", "birthday": "1990-03-14",
                 "emails": ["anna@example.test"], "phones": [{"number": "+7 495 100 00 01"}],
                 "consent": {"email": true, "sms": false}}""");
        create(admin, """
                {"kind": "PERSON", "firstName": "Boris", "lastName": "Other", "birthday": "1990-03-15"}""");
        String erased = create(admin, """
                {"kind": "PERSON", "firstName": "Erik", "lastName": "Erased", "birthday": "1985-03-14"}""");
        String archived = create(admin, """
                {"kind": "PERSON", "firstName": "Arno", "lastName": "Archived", "birthday": "1970-03-14"}""");
        String survivor = create(admin, """
                {"kind": "PERSON", "firstName": "Sofia", "lastName": "Merged", "phones": [{"number": "+7 495 100 00 09"}]}""");
        String duplicate = json(post("/api/contacts?allowDuplicate=true", admin, """
                {"kind": "PERSON", "firstName": "Sofia", "lastName": "Merged", "birthday": "2001-03-14"}"""), "$.id");
        String leapling = create(admin, """
                {"kind": "PERSON", "firstName": "Lea", "lastName": "Leap", "birthday": "2000-02-29"}""");
        String otherTenant = newTenant();
        create(admin(otherTenant), """
                {"kind": "PERSON", "firstName": "Olga", "lastName": "Elsewhere", "birthday": "1990-03-14"}""");

        assertThat(post("/api/contacts/" + erased + "/erase", admin, null).statusCode())
                .isEqualTo(200);
        assertThat(send("DELETE", "/api/contacts/" + archived, admin, null).statusCode())
                .isEqualTo(204);
        // the survivor takes the duplicate's birthday; the tombstone is no longer anybody's birthday
        assertThat(post("/api/contacts/" + survivor + "/merge", admin, """
                        {"duplicateId": "%s", "prefer": {"birthday": "duplicate"}}""".formatted(duplicate))
                        .statusCode())
                .isEqualTo(200);

        assertThat(birthdayIds(tenant, "2026-03-14")).containsExactlyInAnyOrder(anna, survivor);
        var page = get("/internal/contacts/birthdays?tenant=" + tenant + "&date=2026-03-14", serviceToken());
        assertThat((List<String>) json(page, "$.items[?(@.id == '" + anna + "')].email"))
                .containsExactly("anna@example.test");
        assertThat((List<String>) json(page, "$.items[?(@.id == '" + anna + "')].phone"))
                .containsExactly("+74951000001");
        assertThat((List<Boolean>) json(page, "$.items[?(@.id == '" + anna + "')].consent.email"))
                .containsExactly(true);
        assertThat((List<Boolean>) json(page, "$.items[?(@.id == '" + anna + "')].consent.sms"))
                .containsExactly(false);
        assertThat(page.body()).doesNotContain("Erik", "Arno", "Olga");

        // 29 February is greeted on 28 February in a year without it, and on the day itself in a leap year
        assertThat(birthdayIds(tenant, "2027-02-28")).containsExactly(leapling);
        assertThat(birthdayIds(tenant, "2028-02-28")).isEmpty();
        assertThat(birthdayIds(tenant, "2028-02-29")).containsExactly(leapling);

        // a corrected birthday moves the client to the new day
        String etag =
                get("/api/contacts/" + anna, admin).headers().firstValue("ETag").orElseThrow();
        assertThat(send("PATCH", "/api/contacts/" + anna, admin, """
                        {"birthday": "1990-03-20"}""", "If-Match", etag)
                        .statusCode())
                .isEqualTo(200);
        assertThat(birthdayIds(tenant, "2026-03-14")).containsExactly(survivor);
        assertThat(birthdayIds(tenant, "2026-03-20")).containsExactly(anna);
    }

    @Test
    void pagesFollowTheCardIds() {
        String tenant = newTenant();
        String admin = admin(tenant);
        for (int i = 0; i < 3; i++) {
            create(admin, """
                    {"kind": "PERSON", "firstName": "Page%d", "lastName": "Client", "birthday": "1999-07-01"}""".formatted(i));
        }
        var first = get("/internal/contacts/birthdays?tenant=" + tenant + "&date=2026-07-01&size=2", serviceToken());
        List<String> firstIds = json(first, "$.items[*].id");
        String next = json(first, "$.next");
        var second = get(
                "/internal/contacts/birthdays?tenant=" + tenant + "&date=2026-07-01&size=2&after=" + next,
                serviceToken());
        List<String> secondIds = json(second, "$.items[*].id");
        assertThat(firstIds).hasSize(2);
        assertThat(secondIds).hasSize(1).doesNotContainAnyElementsOf(firstIds);
        assertThat((Object) json(second, "$.next")).isNull();
    }

    @Test
    void onlyAServiceTokenWithTheScopeForTheNamedTenantMayAsk() {
        String tenant = newTenant();
        String path = "/internal/contacts/birthdays?tenant=" + tenant + "&date=2026-03-14";

        assertThat(get(path, null).statusCode()).isEqualTo(401);
        // a user, even an administrator of that tenant, has no business here
        var asAdmin = get(path, admin(tenant));
        assertThat(asAdmin.statusCode()).isEqualTo(403);
        assertThat(asAdmin.headers().firstValue("Content-Type").orElseThrow()).contains("application/problem+json");
        // the right scope from the wrong issuer, audience or key is no token at all
        assertThat(get(
                                path,
                                TestJwts.user("crm-notifications")
                                        .claim("scope", "contacts.birthdays")
                                        .wrongAudience()
                                        .mint())
                        .statusCode())
                .isEqualTo(401);
        assertThat(get(
                                path,
                                TestJwts.user("crm-notifications")
                                        .claim("scope", "contacts.birthdays")
                                        .wrongIssuer()
                                        .mint())
                        .statusCode())
                .isEqualTo(401);
        assertThat(get(
                                path,
                                TestJwts.user("crm-notifications")
                                        .claim("scope", "contacts.birthdays")
                                        .mintSignedByAnotherKey())
                        .statusCode())
                .isEqualTo(401);
        // a token bound to one tenant reads only that tenant
        String boundElsewhere = TestJwts.user("crm-notifications")
                .tenant("some-other-tenant")
                .claim("scope", "contacts.birthdays")
                .mint();
        assertThat(get(path, boundElsewhere).statusCode()).isEqualTo(403);
        // other internal paths are closed even to the service
        assertThat(get("/internal/contacts/anything", serviceToken()).statusCode())
                .isEqualTo(403);

        var badDate = get("/internal/contacts/birthdays?tenant=" + tenant + "&date=14.03.2026", serviceToken());
        assertThat(badDate.statusCode()).isEqualTo(400);
        assertThat(badDate.body()).contains("date");
        assertThat(get("/internal/contacts/birthdays?tenant=%7B%24ne%3A1%7D&date=2026-03-14", serviceToken())
                        .statusCode())
                .isEqualTo(400);
    }
}
