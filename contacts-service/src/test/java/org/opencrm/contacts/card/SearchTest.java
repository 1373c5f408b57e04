package org.opencrm.contacts.card;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Search by prefixes of names, company, e-mail and phone, filters, custom fields, sorting and cursors. */
class SearchTest extends ContactsApiTest {

    @Test
    void qMatchesPrefixesOfNameCompanyEmailAndPhoneInAnyFormat() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        String company = create(token, """
                {"kind": "COMPANY", "name": "Stroy Trest", "city": "Tver"}""");
        String person = create(token, """
                {"kind": "PERSON", "firstName": "Мария", "lastName": "Громова", "companyId": "%s",
                 "emails": ["maria.g@mail.example"], "phones": [{"number": "+7 910 123 45 67"}]}""".formatted(company));
        create(token, """
                {"kind": "PERSON", "lastName": "Noise"}""");

        assertThat(ids(token, "q=" + enc("гром"))).containsExactly(person);
        assertThat(ids(token, "q=GROM")).containsExactly(person);
        assertThat(ids(token, "q=stroy")).containsExactlyInAnyOrder(company, person);
        assertThat(ids(token, "q=maria.g%40")).containsExactly(person);
        assertThat(ids(token, "q=" + enc("8 (910) 123"))).containsExactly(person);
        assertThat(ids(token, "q=" + enc("+7910"))).containsExactly(person);
        assertThat(ids(token, "q=.*")).isEmpty();
        assertThat(json(get("/api/contacts/" + company, token), "$.contactPersons[0].id")
                        .toString())
                .isEqualTo(person);
    }

    @Test
    void filtersCustomFieldsSortingAndCursorPagesWalkEveryCardOnce() {
        String tenant = newTenant();
        String token = manager(tenant, "m1", "sales");
        post("/api/contacts/custom-fields", admin(tenant), """
                {"key": "rooms", "type": "NUMBER"}""");
        var expected = new ArrayList<String>();
        for (int i = 0; i < 7; i++) {
            expected.add(create(token, """
                    {"kind": "PERSON", "lastName": "Client %d", "city": "Sochi", "tags": ["%s"], "source": "website",
                     "customFields": {"rooms": %d}}""".formatted(i, i % 2 == 0 ? "even" : "odd", 10 - i)));
        }
        create(token, """
                {"kind": "PERSON", "lastName": "Elsewhere", "city": "Omsk"}""");

        assertThat(ids(token, "tag=even&city=sochi")).hasSize(4);
        assertThat(ids(token, "cf.rooms=8")).containsExactly(expected.get(2));
        assertThat(get("/api/contacts?cf.rooms=many", token).statusCode()).isEqualTo(400);
        assertThat(get("/api/contacts?cf.unknown=1", token).statusCode()).isEqualTo(400);
        assertThat(get("/api/contacts?size=1000", token).statusCode()).isEqualTo(400);
        assertThat(get("/api/contacts?cursor=garbage", token).statusCode()).isEqualTo(400);

        var walked = new ArrayList<String>();
        String cursor = null;
        do {
            var page = get(
                    "/api/contacts?source=website&sort=cf.rooms&size=3" + (cursor == null ? "" : "&cursor=" + cursor),
                    token);
            assertThat(page.statusCode()).isEqualTo(200);
            List<String> ids = json(page, "$.items[*].id");
            walked.addAll(ids);
            cursor = page.body().contains("\"next\":\"") ? json(page, "$.next") : null;
        } while (cursor != null);
        assertThat(walked).containsExactlyElementsOf(expected.reversed());

        List<String> byNameDesc = json(get("/api/contacts?city=Sochi&sort=-name&size=2", token), "$.items[*].lastName");
        assertThat(byNameDesc).containsExactly("Client 6", "Client 5");
    }

    private List<String> ids(String token, String query) {
        var response = get("/api/contacts?" + query, token);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response, "$.items[*].id");
    }

    private static String enc(String text) {
        return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8);
    }
}
