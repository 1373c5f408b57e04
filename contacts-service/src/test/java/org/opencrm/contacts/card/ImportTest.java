package org.opencrm.contacts.card;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

/**
 * CSV imports as asynchronous jobs: exact counts and rejected rows, duplicate policies. Runs after the other
 * classes of the shared context: the relay publishes the 89,000 imported cards' events for a long while.
 */
@Order(Integer.MAX_VALUE)
class ImportTest extends ContactsApiTest {

    HttpResponse<String> upload(String token, String csv, String options) {
        String boundary = "b-" + UUID.randomUUID();
        String body = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"options\"\r\n"
                + "Content-Type: application/json\r\n\r\n"
                + options + "\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"clients.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n"
                + csv + "\r\n"
                + "--" + boundary + "--\r\n";
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/contacts/imports"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> finished(String id, String token, Duration within) {
        return await().atMost(within)
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> get("/api/contacts/imports/" + id, token),
                        r -> List.of("COMPLETED", "FAILED", "CANCELLED").contains((String) json(r, "$.status")));
    }

    private static String enc(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    long cards(String tenant) {
        return mongo.count(new Query(Criteria.where("tenantId").is(tenant)), "contacts");
    }

    /**
     * Rows of the large import. Issue #4 asks for 100,000; on the embedded database each imported card's
     * outbox costs about 8 round trips, so that run takes ~10 minutes and CI runs 10,000 rows with the same
     * exact-count assertions. The full run: {@code ./crm test -pl contacts-service -am
     * -Dtest=ImportTest -Dcrm.import.rows=100000}.
     */
    static final int ROWS = Integer.getInteger("crm.import.rows", 10_000);

    @Test
    void aLargeImportWith10PercentDuplicatesAnd1PercentBadRowsReportsExactCountsAndRows() {
        assertThat(ROWS % 100).as("rows must be a multiple of 100").isZero();
        String tenant = newTenant();
        var csv = new StringBuilder("First name,Last name,Phone,E-mail,Ignored\n");
        var badLines = new ArrayList<Integer>();
        for (int i = 0; i < ROWS; i++) {
            int line = i + 2;
            String phone = "+7916" + String.format("%07d", i % 10 == 7 ? i - 7 : i);
            if (i % 100 == 55) {
                phone = "12-not-a-phone";
                badLines.add(line);
            }
            csv.append("Client")
                    .append(i)
                    .append(",Row")
                    .append(i)
                    .append(',')
                    .append(phone)
                    .append(",c")
                    .append(i)
                    .append("@example.com,whatever\n");
        }
        long started = System.nanoTime();
        var accepted = upload(admin(tenant), csv.toString(), """
                {"duplicatePolicy": "SKIP", "defaultDepartmentId": "sales",
                 "mapping": {"First name": "firstName", "Last name": "lastName", "Phone": "phones", "E-mail": "emails"}}""");
        assertThat(accepted.statusCode()).isEqualTo(202);
        String id = json(accepted, "$.id");

        var job = finished(id, admin(tenant), Duration.ofMinutes(15));
        long seconds = (System.nanoTime() - started) / 1_000_000_000;
        System.out.println(ROWS + "-row import finished in " + seconds + " s");

        assertThat((String) json(job, "$.status")).isEqualTo("COMPLETED");
        assertThat(((Number) json(job, "$.rowsRead")).longValue()).isEqualTo(ROWS);
        assertThat(((Number) json(job, "$.created")).longValue()).isEqualTo(ROWS * 89L / 100);
        assertThat(((Number) json(job, "$.skipped")).longValue()).isEqualTo(ROWS / 10);
        assertThat(((Number) json(job, "$.merged")).longValue()).isZero();
        assertThat(((Number) json(job, "$.rejected")).longValue()).isEqualTo(ROWS / 100);
        assertThat((List<Integer>) json(job, "$.rejectedRows[*].line")).isEqualTo(badLines);
        assertThat((String) json(job, "$.rejectedRows[0].reason")).contains("phones[0].number");
        assertThat(cards(tenant)).isEqualTo(ROWS * 89L / 100);
        var pop = get("/api/contacts/lookup?phone=" + enc("+79160000010"), admin(tenant));
        assertThat((List<String>) json(pop, "$[*].contact.displayName")).containsExactly("Client10 Row10");
        assertThat((String) json(pop, "$[0].contact.departmentId")).isEqualTo("sales");
    }

    @Test
    void mergeFillsGapsOfTheExistingCardAndCreateKeepsBothAsCandidates() {
        String tenant = newTenant();
        String existing = create(admin(tenant), """
                {"kind": "PERSON", "firstName": "Maria", "lastName": "Lebedeva", "phones": [{"number": "+7 916 777 00 01"}]}""");
        String csv = """
                firstName,lastName,phones,emails,city,tags
                Maria,Lebedeva,+79167770001,maria@example.com,Kazan,vip
                Maria,L,89167770001,,Moscow,
                New,Person,+79167770002,"new@example.com",Tver,a;b
                New,Person,,new@example.com,,c
                """;
        var merge = finished(
                json(upload(admin(tenant), csv, "{\"duplicatePolicy\": \"MERGE\"}"), "$.id"),
                admin(tenant),
                Duration.ofMinutes(2));
        assertThat(json(merge, "$.merged").toString()).isEqualTo("3");
        assertThat(json(merge, "$.created").toString()).isEqualTo("1");
        var card = get("/api/contacts/" + existing, admin(tenant));
        assertThat((String) json(card, "$.city")).isEqualTo("Kazan");
        assertThat(json(card, "$.emails").toString()).contains("maria@example.com");
        assertThat(json(card, "$.tags").toString()).contains("vip");
        assertThat(cards(tenant)).isEqualTo(2);
        var created = get("/api/contacts?q=New", admin(tenant));
        assertThat(json(created, "$.items[0].tags").toString()).contains("a", "b", "c");

        String other = newTenant();
        create(admin(other), """
                {"kind": "PERSON", "firstName": "Maria", "lastName": "Lebedeva", "phones": [{"number": "+7 916 777 00 01"}]}""");
        var both = finished(
                json(upload(admin(other), "firstName,lastName,phones\nMasha,L,+79167770001\n", """
                        {"duplicatePolicy": "CREATE"}"""), "$.id"),
                admin(other),
                Duration.ofMinutes(2));
        assertThat(json(both, "$.created").toString()).isEqualTo("1");
        assertThat(cards(other)).isEqualTo(2);
        assertThat(json(get("/api/contacts/duplicates", admin(other)), "$.items[0].origin")
                        .toString())
                .isEqualTo("IMPORT");
    }

    @Test
    void aBadMappingIs400AndAJobOfAnotherUserIsNotVisible() {
        String tenant = newTenant();
        var bad = upload(admin(tenant), "a,b\n1,2\n", """
                {"duplicatePolicy": "SKIP", "mapping": {"a": "password", "zzz": "firstName"}}""");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad, "$.errors[*].field").toString()).contains("mapping.a", "mapping.zzz");
        var ok = upload(manager(tenant, "m1", "sales"), "firstName\nAnna\n", "{\"duplicatePolicy\": \"SKIP\"}");
        assertThat(ok.statusCode()).isEqualTo(202);
        String id = json(ok, "$.id");
        assertThat(get("/api/contacts/imports/" + id, manager(tenant, "m2", "sales"))
                        .statusCode())
                .isEqualTo(404);
        var done = finished(id, manager(tenant, "m1", "sales"), Duration.ofMinutes(2));
        assertThat(json(done, "$.created").toString()).isEqualTo("1");
        // A manager's import is theirs unless a default owner is named: they can see what they imported.
        assertThat(json(get("/api/contacts?q=Anna", manager(tenant, "m1", "sales")), "$.items.length()")
                        .toString())
                .isEqualTo("1");
    }
}
