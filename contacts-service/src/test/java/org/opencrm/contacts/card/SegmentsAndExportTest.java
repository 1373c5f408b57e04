package org.opencrm.contacts.card;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Saved segments with live counts and members; CSV export streamed from a cursor. */
class SegmentsAndExportTest extends ContactsApiTest {

    @Autowired
    MeterRegistry meters;

    @Test
    void aSegmentCountsAndPagesItsLiveMembersAsFarAsTheReaderSees() {
        String tenant = newTenant();
        post("/api/contacts/custom-fields", admin(tenant), """
                {"key": "budget", "type": "NUMBER"}""");
        String m1 = manager(tenant, "m1", "sales");
        String m2 = manager(tenant, "m2", "sales");
        for (int i = 0; i < 3; i++) {
            create(m1, """
                    {"kind": "PERSON", "firstName": "Vip%d", "lastName": "One", "tags": ["vip"], "customFields": {"budget": 100}}""".formatted(i));
        }
        create(m2, """
                {"kind": "PERSON", "firstName": "Vip", "lastName": "Two", "tags": ["vip"], "customFields": {"budget": 100}}""");
        create(m1, """
                {"kind": "PERSON", "firstName": "Plain", "lastName": "One", "tags": ["vip"], "customFields": {"budget": 5}}""");

        var created = post("/api/contacts/segments", m1, """
                {"name": "VIP with budget 100", "filter": {"tag": "vip", "cf.budget": "100"}}""");
        assertThat(created.statusCode()).isEqualTo(201);
        String id = json(created, "$.id");
        assertThat((String) json(created, "$.filter['cf.budget']")).isEqualTo("100");

        assertThat(json(get("/api/contacts/segments/" + id + "/count", admin(tenant)), "$.members")
                        .toString())
                .isEqualTo("4");
        assertThat(json(get("/api/contacts/segments/" + id + "/count", m1), "$.members")
                        .toString())
                .isEqualTo("3");
        var page = get("/api/contacts/segments/" + id + "/members?size=2&sort=name", admin(tenant));
        assertThat((List<String>) json(page, "$.items[*].displayName")).containsExactly("Vip Two", "Vip0 One");
        var next = get(
                "/api/contacts/segments/" + id + "/members?size=2&sort=name&cursor=" + json(page, "$.next"),
                admin(tenant));
        assertThat((List<String>) json(next, "$.items[*].displayName")).containsExactly("Vip1 One", "Vip2 One");

        // Live: a new matching card counts at once.
        create(m1, """
                {"kind": "PERSON", "firstName": "Late", "lastName": "Vip", "tags": ["vip"], "customFields": {"budget": 100}}""");
        assertThat(json(get("/api/contacts/segments/" + id + "/count", admin(tenant)), "$.members")
                        .toString())
                .isEqualTo("5");
        assertThat(post("/api/contacts/segments", m1, """
                        {"name": "bad", "filter": {"cf.nope": "1", "owner": "x"}}""").statusCode()).isEqualTo(400);
        assertThat(get("/api/contacts/segments/" + id, admin(newTenant())).statusCode())
                .isEqualTo(404);
    }

    @Test
    void anExportRespectsVisibilityAndFiltersAndHasCustomFieldsAsColumns() throws Exception {
        String tenant = newTenant();
        post("/api/contacts/custom-fields", admin(tenant), """
                {"key": "budget", "type": "NUMBER"}""");
        String m1 = manager(tenant, "m1", "sales");
        create(m1, """
                {"kind": "PERSON", "firstName": "Anna", "lastName": "Quote", "address": "Main st. 1, \\"Block\\" A",
                 "phones": [{"number": "+7 916 000 11 22"}], "tags": ["vip"], "customFields": {"budget": 250}}""");
        create(manager(tenant, "m2", "sales"), """
                {"kind": "PERSON", "firstName": "Boris", "lastName": "Other", "tags": ["vip"]}""");

        var response = send("GET", "/api/contacts/export?tag=vip", m1, null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        var lines = response.body().split("\r\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0])
                .startsWith("id,kind,firstName,lastName,name,phones")
                .endsWith(",cf.budget");
        assertThat(lines[1])
                .contains("Anna,Quote", "+79160001122", "\"Main st. 1, \"\"Block\"\" A\"", "vip")
                .endsWith(",250");
        assertThat(send("GET", "/api/contacts/export?cf.unknown=1", m1, null).statusCode())
                .isEqualTo(400);
        assertThat(send(
                                "GET",
                                "/api/contacts/export",
                                org.opencrm.testkit.jwt.TestJwts.user("an-1")
                                        .tenant(tenant)
                                        .departments("sales")
                                        .roles("ANALYST")
                                        .mint(),
                                null)
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void anExportOf100000CardsIsStreamedFromTheDatabaseAsTheClientReads() throws Exception {
        String tenant = newTenant();
        int total = 100_000;
        String filler = "x".repeat(300);
        var batch = new ArrayList<Document>();
        for (int i = 0; i < total; i++) {
            batch.add(new Document(Map.of(
                            "_id", "exp-" + tenant + "-" + i,
                            "tenantId", tenant,
                            "kind", "PERSON",
                            "firstName", "First" + i,
                            "lastName", "Last" + i,
                            "address", "Street " + i + " " + filler,
                            "sortName", "first" + i,
                            "version", 0L))
                    .append(
                            "phones",
                            List.of(new Document("number", "+7916" + String.format("%07d", i))
                                    .append("type", "OTHER"))));
            if (batch.size() == 5000) {
                mongo.getCollection("contacts").insertMany(batch);
                batch.clear();
            }
        }
        var counter = meters.get("crm.contacts.export.cards").counter();
        double before = counter.count();
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/contacts/export"))
                .header("Authorization", "Bearer " + admin(tenant))
                .timeout(Duration.ofMinutes(5))
                .build();
        var response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(reader.readLine()).startsWith("id,kind,");
            assertThat(reader.readLine()).contains("First");
            // The client stops reading: the server must stop reading cards once the network buffers are full.
            long[] last = {-1};
            await().pollInterval(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> {
                        long now = (long) (counter.count() - before);
                        boolean stalled = now == last[0];
                        last[0] = now;
                        return stalled;
                    });
            assertThat(last[0])
                    .as("cards read while the client paused (the response is about %d MB)", total * 400 / 1_000_000)
                    .isLessThan(total / 2);
            long lines = 2;
            while (reader.readLine() != null) {
                lines++;
            }
            assertThat(lines).isEqualTo(total + 1);
        }
        assertThat(counter.count() - before).isEqualTo(total);
    }
}
