package org.opencrm.contacts.card;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.Topics;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.KafkaTestConsumer;
import org.opencrm.testkit.TestInfrastructure;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/**
 * CSV imports as asynchronous jobs: exact counts and rejected rows, duplicate policies, cancel and the
 * take-over of a job whose instance died. Runs after the other classes of the shared context, which it loads
 * with 100,000 cards.
 */
@Order(Integer.MAX_VALUE)
class ImportTest extends ContactsApiTest {

    @org.springframework.beans.factory.annotation.Autowired
    MongoCommands commands;

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
     * Rows of the large import (issue #4 asks for 100,000). Override with {@code -Dcrm.import.rows=N}, a
     * multiple of 100.
     */
    static final int ROWS = Integer.getInteger("crm.import.rows", 100_000);

    /** A file of {@code rows} clients: every 10th row repeats the phone of the row 7 before, every 100th is bad. */
    record Clients(String csv, List<Integer> badLines) {

        static Clients of(int rows) {
            var csv = new StringBuilder("First name,Last name,Phone,E-mail,Ignored\n");
            var badLines = new ArrayList<Integer>();
            for (int i = 0; i < rows; i++) {
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
            return new Clients(csv.toString(), badLines);
        }
    }

    static final String CLIENT_OPTIONS = """
            {"duplicatePolicy": "SKIP", "defaultDepartmentId": "sales",
             "mapping": {"First name": "firstName", "Last name": "lastName", "Phone": "phones", "E-mail": "emails"}}""";

    long withUnpublishedEvents(String tenant) {
        return mongo.count(
                new Query(Criteria.where("tenantId").is(tenant).and("outbox.0").exists(true)), "contacts");
    }

    @Test
    void aLargeImportWith10PercentDuplicatesAnd1PercentBadRowsReportsExactCountsAndRows() {
        assertThat(ROWS % 100).as("rows must be a multiple of 100").isZero();
        String tenant = newTenant();
        var clients = Clients.of(ROWS);
        var before = commands.snapshot();
        var millisBefore = commands.millis();
        var cpuBefore = MongoCommands.cpuMillis();
        long started = System.nanoTime();
        var accepted = upload(admin(tenant), clients.csv(), CLIENT_OPTIONS);
        assertThat(accepted.statusCode()).isEqualTo(202);
        String id = json(accepted, "$.id");

        var job = finished(id, admin(tenant), Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - started) / 1e9;
        var atFinish = MongoCommands.since(before, commands.snapshot());
        await().atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> withUnpublishedEvents(tenant) == 0);
        double published = (System.nanoTime() - started) / 1e9;
        var atPublished = MongoCommands.since(before, commands.snapshot());
        long stored = ROWS * 89L / 100;
        System.out.printf(
                "%d-row import: finished in %.1f s (%.0f rows/s), every event published after %.1f s;"
                        + " round trips per row: import %.3f, outbox relay %.3f; by command: %s%n",
                ROWS,
                seconds,
                ROWS / seconds,
                published,
                MongoCommands.total(atFinish, "contact-import") / (double) ROWS,
                (MongoCommands.total(atPublished, "outbox-relay") + MongoCommands.total(atPublished, "outbox-sweeper"))
                        / (double) ROWS,
                atPublished);
        System.out.println("milliseconds waited per command: " + MongoCommands.since(millisBefore, commands.millis()));
        System.out.println("CPU milliseconds by thread: " + MongoCommands.since(cpuBefore, MongoCommands.cpuMillis()));

        assertThat((String) json(job, "$.status")).isEqualTo("COMPLETED");
        assertThat(((Number) json(job, "$.rowsRead")).longValue()).isEqualTo(ROWS);
        assertThat(((Number) json(job, "$.created")).longValue()).isEqualTo(stored);
        assertThat(((Number) json(job, "$.skipped")).longValue()).isEqualTo(ROWS / 10);
        assertThat(((Number) json(job, "$.merged")).longValue()).isZero();
        assertThat(((Number) json(job, "$.rejected")).longValue()).isEqualTo(ROWS / 100);
        assertThat((List<Integer>) json(job, "$.rejectedRows[*].line")).isEqualTo(clients.badLines());
        assertThat((String) json(job, "$.rejectedRows[0].reason")).contains("phones[0].number");
        assertThat(cards(tenant)).isEqualTo(stored);
        var pop = get("/api/contacts/lookup?phone=" + enc("+79160000010"), admin(tenant));
        assertThat((List<String>) json(pop, "$[*].contact.displayName")).containsExactly("Client10 Row10");
        assertThat((String) json(pop, "$[0].contact.departmentId")).isEqualTo("sales");
        // The bulk path's budget: a handful of round trips per batch of 1,000 rows, not several per row.
        assertThat(MongoCommands.total(atFinish, "contact-import"))
                .as("import job's round trips")
                .isLessThan(ROWS / 20);
        assertThat(MongoCommands.total(atPublished, "outbox-relay")
                        + MongoCommands.total(atPublished, "outbox-sweeper"))
                .as("relay's round trips to publish the imported cards' events")
                .isLessThan(ROWS / 10);
    }

    @Test
    void aCancelledImportReportsExactlyWhatItStored() {
        String tenant = newTenant();
        int rows = 20_000;
        String id = json(upload(admin(tenant), Clients.of(rows).csv(), CLIENT_OPTIONS), "$.id");
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() ->
                        ((Number) json(get("/api/contacts/imports/" + id, admin(tenant)), "$.rowsRead")).longValue()
                                > 0);
        assertThat(post("/api/contacts/imports/" + id + "/cancel", admin(tenant), null)
                        .statusCode())
                .isEqualTo(200);

        var job = finished(id, admin(tenant), Duration.ofMinutes(2));
        assertThat((String) json(job, "$.status")).isEqualTo("CANCELLED");
        long read = ((Number) json(job, "$.rowsRead")).longValue();
        long created = ((Number) json(job, "$.created")).longValue();
        long skipped = ((Number) json(job, "$.skipped")).longValue();
        long rejected = ((Number) json(job, "$.rejected")).longValue();
        assertThat(read).as("stopped before the end").isBetween(1L, rows - 1L);
        assertThat(created + skipped + rejected).isEqualTo(read);
        // Rows are whole batches of 1,000 here: the counts of the rows read are known exactly.
        assertThat(read % 1000).isZero();
        assertThat(created).isEqualTo(read * 89 / 100);
        assertThat(cards(tenant)).as("cards stored").isEqualTo(created);
        await().atMost(Duration.ofMinutes(2)).until(() -> withUnpublishedEvents(tenant) == 0);
    }

    @Test
    void anImportWhoseInstanceDiedIsResumedByAnotherWithoutLosingOrDoublingRows() {
        String tenant = newTenant();
        int rows = 20_000;
        var clients = Clients.of(rows);
        try (var reader = KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.CONTACTS)) {
            String id = json(upload(admin(tenant), clients.csv(), CLIENT_OPTIONS), "$.id");
            await().atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() ->
                            ((Number) json(get("/api/contacts/imports/" + id, admin(tenant)), "$.rowsRead")).longValue()
                                    > 0);
            // The instance running the job dies: its lease is another's now, and has run out. The batch it was
            // storing lands, but its checkpoint is refused; the job is taken over after the last checkpoint.
            var died = mongo.updateFirst(
                    new Query(Criteria.where("_id").is(id).and("status").is("RUNNING")),
                    new Update()
                            .set("lockedBy", "instance-that-died")
                            .set("lockedUntil", Instant.now().minusSeconds(1)),
                    "contact_imports");
            assertThat(died.getModifiedCount()).as("the job was still running").isEqualTo(1);
            var progress = get("/api/contacts/imports/" + id, admin(tenant));
            assertThat(((Number) json(progress, "$.rowsRead")).longValue()).isLessThan(rows);

            var job = finished(id, admin(tenant), Duration.ofMinutes(3));
            assertThat((String) json(job, "$.status")).isEqualTo("COMPLETED");
            assertThat(((Number) json(job, "$.rowsRead")).longValue()).isEqualTo(rows);
            assertThat(((Number) json(job, "$.created")).longValue()).isEqualTo(rows * 89L / 100);
            assertThat(((Number) json(job, "$.skipped")).longValue()).isEqualTo(rows / 10);
            assertThat(((Number) json(job, "$.rejected")).longValue()).isEqualTo(rows / 100);
            assertThat((List<Integer>) json(job, "$.rejectedRows[*].line")).isEqualTo(clients.badLines());
            assertThat(cards(tenant)).isEqualTo(rows * 89L / 100);
            assertThat(mongo.findDistinct(
                                    new Query(Criteria.where("tenantId").is(tenant)),
                                    "importLine",
                                    "contacts",
                                    Long.class)
                            .size())
                    .as("one card per stored row")
                    .isEqualTo(rows * 89 / 100);

            // Every stored card's ContactCreated is published (at least once).
            var ids = mongo
                    .find(new Query(Criteria.where("tenantId").is(tenant)), org.bson.Document.class, "contacts")
                    .stream()
                    .map(d -> d.getString("_id"))
                    .collect(java.util.stream.Collectors.toSet());
            java.util.function.Supplier<java.util.Set<String>> published = () -> reader
                    .drain(
                            r -> tenant.equals(EventRecords.header(r.headers(), EventHeaders.TENANT)
                                    .orElse(null)),
                            Duration.ofMillis(500))
                    .stream()
                    .map(r -> r.key())
                    .collect(java.util.stream.Collectors.toSet());
            await().atMost(Duration.ofMinutes(2))
                    .pollInSameThread()
                    .until(() -> published.get().containsAll(ids));
            assertThat(published.get()).isEqualTo(ids);
        }
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
    void everyIndexEntryOfAnImportedCardNamesItAndItsPhoneEntryKeepsItsScreenPopView() {
        String tenant = newTenant();
        var job = finished(
                json(upload(admin(tenant), """
                        firstName,lastName,phones,emails,city
                        Yulia,Shishkina,+79167770101,yulia@example.com,Kazan
                        Ivan,Petrov,+79167770102;+79167770103,ivan@example.com,
                        """, "{\"duplicatePolicy\": \"SKIP\"}"), "$.id"),
                admin(tenant),
                Duration.ofMinutes(2));
        assertThat(json(job, "$.created").toString()).isEqualTo("2");
        var stored = mongo.find(new Query(Criteria.where("tenantId").is(tenant)), Contact.class);
        assertThat(stored).hasSize(2);
        for (Contact card : stored) {
            var keys = ContactIndex.keysOf(card);
            assertThat(keys.phones()).isNotEmpty();
            for (String collection : List.of(ContactIndex.PHONES, ContactIndex.EMAILS, ContactIndex.NAMES)) {
                for (String key : Duplicates.keysFor(collection, keys)) {
                    var entry = mongo.findById(key, org.bson.Document.class, collection);
                    assertThat(entry).as(collection + " " + key).isNotNull();
                    assertThat(entry.getList(ContactIndex.CONTACT_IDS, String.class))
                            .as(collection + " " + key)
                            .contains(card.getId());
                    if (collection.equals(ContactIndex.PHONES)) {
                        assertThat(ContactIndex.storedView(entry, card.getId()))
                                .as("view in " + key)
                                .isNotNull();
                    }
                }
            }
        }
        var pop = get("/api/contacts/lookup?phone=" + enc("+79167770103"), admin(tenant));
        assertThat((List<String>) json(pop, "$[*].contact.displayName")).containsExactly("Ivan Petrov");
        assertThat(ContactIndex.nameKeys(
                        tenant,
                        stored.stream()
                                .filter(c -> "Kazan".equals(c.data().city()))
                                .findFirst()
                                .orElseThrow()
                                .data()))
                .hasSize(1);
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
