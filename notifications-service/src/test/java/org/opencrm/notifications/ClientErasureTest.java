package org.opencrm.notifications;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import com.jayway.jsonpath.JsonPath;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.opencrm.events.contacts.ContactCreated;
import org.opencrm.events.contacts.ContactDetails;
import org.opencrm.events.contacts.ContactErased;
import org.opencrm.events.contacts.ContactUpdated;
import org.opencrm.events.contacts.ContactsMerged;
import org.opencrm.events.tasks.TaskCreated;
import org.springframework.data.mongodb.core.query.Query;

/**
 * A client erased (right to be forgotten): afterwards no document of this service holds the client's names,
 * e-mail address, phone, city or street, whichever collection (found by scanning every collection for the
 * test's values, as analytics' personal-data scan does), also when a message to the client was on its way.
 */
class ClientErasureTest extends NotificationsTestBase {

    /** The test client's personal data; every value but the phone holds the surname, unique to the test. */
    private record Client(String card, String surname, String email, String phone) {

        static Client create(String tenant) {
            // letters g-z only, so no id or token (hexadecimal, base64 of ids) spells the surname by chance
            var random = UUID.randomUUID().toString().replace("-", "");
            var surname = new StringBuilder("Q");
            for (int i = 0; i < 9; i++) {
                surname.append((char) ('g' + Character.digit(random.charAt(i), 16)));
            }
            long digits = Long.parseLong(random.substring(10, 17), 16) % 10_000_000L;
            return new Client(
                    "card-" + tenant,
                    surname.toString(),
                    surname.toString().toLowerCase(Locale.ROOT) + "@" + tenant + ".test",
                    "+1555" + String.format("%07d", digits));
        }

        ContactDetails details(String firstName) {
            return new ContactDetails(firstName + " " + surname, surname + "ville", "12 " + surname + " Lane");
        }
    }

    @Test
    void anErasureCutsTheClientFromEveryStoredDocumentAndARedeliveredOrLateEventBringsNothingBack() {
        String tenant = unique("t");
        var client = Client.create(tenant);
        String oldCard = "old-" + tenant;
        String okHook = subscribe(
                tenant,
                "/hooks/ok-" + tenant,
                204,
                "ContactCreated",
                "ContactUpdated",
                "ContactsMerged",
                "TaskCreated");
        team(tenant, "sales", List.of(), member("rep-e", "Erik", "erik@" + tenant + ".test", null, "en", "UTC"));
        segment(tenant, client);
        // the provider refuses SMS to this client for now: that message stays pending, retried
        wiremock.stubFor(post(urlPathEqualTo("/sms"))
                .withRequestBody(containing(client.phone().substring(1)))
                .atPriority(1)
                .willReturn(aResponse().withStatus(503)));

        publish(new ContactCreated(
                id(),
                tenant,
                oldCard,
                1,
                Instant.now(),
                system(),
                "PERSON",
                null,
                null,
                null,
                null,
                null,
                client.details("Zeb")));
        publish(new ContactCreated(
                id(),
                tenant,
                client.card(),
                1,
                Instant.now(),
                system(),
                "PERSON",
                null,
                null,
                null,
                null,
                null,
                client.details("Zebulon")));
        publish(new ContactsMerged(
                id(),
                tenant,
                client.card(),
                2,
                Instant.now(),
                system(),
                oldCard,
                null,
                null,
                null,
                client.details("Zebulon")));
        // an employee's task names the client by a name of the merged card
        publish(new TaskCreated(
                id(),
                tenant,
                "task-" + tenant,
                1,
                Instant.now(),
                system(),
                "Call Zeb " + client.surname() + " about the windows",
                "CALL",
                "rep-e",
                "sales",
                Instant.now().plusSeconds(3_600),
                "NORMAL",
                null,
                client.card(),
                null,
                null));
        assertThat(call("POST", "/api/campaigns", admin(tenant), campaign(tenant, "EMAIL"))
                        .statusCode())
                .isEqualTo(202);
        assertThat(call("POST", "/api/campaigns", admin(tenant), campaign(tenant, "SMS"))
                        .statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(statuses(tenant, "WEBHOOK", okHook)).hasSize(4).containsOnly("SENT");
            assertThat(statuses(tenant, "EMAIL", client.card())).containsExactly("SENT");
            assertThat(attempts(tenant, "SMS", client.card())).singleElement().matches(a -> a >= 1);
            assertThat(statuses(tenant, "EMAIL", "rep-e")).containsExactly("SENT");
            assertThat(statuses(tenant, "IN_APP", "rep-e")).containsExactly("SENT");
        });
        // a receiver that is down gets the rename (the client's new name and address): its delivery is retried
        String downHook = subscribe(tenant, "/hooks/down-" + tenant, 500, "ContactUpdated");
        publish(new ContactUpdated(
                id(),
                tenant,
                client.card(),
                3,
                Instant.now(),
                system(),
                List.of("details"),
                null,
                null,
                null,
                null,
                client.details("Zebedee")));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> attempts(tenant, "WEBHOOK", downHook).stream().anyMatch(a -> a >= 1)
                        && statuses(tenant, "WEBHOOK", okHook).equals(List.of("SENT", "SENT", "SENT", "SENT", "SENT")));
        // Its next tries (and the SMS's) fall due an hour later: still pending when the erasure comes, and the
        // receiver is not disabled (it would be after four failures in a row) while the test waits.
        clock.advance(Duration.ofHours(-1));
        assertThat(statuses(tenant, "WEBHOOK", downHook)).containsExactly("PENDING");
        assertThat(statuses(tenant, "SMS", client.card())).containsExactly("PENDING");
        // the scan can fail: before the erasure it finds the client in stored notifications, webhooks and copies
        assertThat(holdingTheClient(client)).containsKeys("deliveries", "inapp_notifications", "task_copies");

        var erasure = new ContactErased(id(), tenant, client.card(), 4, Instant.now(), system());
        publish(erasure);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> holdingTheClient(client).isEmpty());
        assertThat(statuses(tenant, "SMS", client.card())).containsExactly("SUPPRESSED");
        var delivered = mongo.find(
                new Query(where("tenantId")
                        .is(tenant)
                        .and("recipientId")
                        .is(okHook)
                        .and("topic")
                        .is("TaskCreated")),
                Document.class,
                "deliveries");
        assertThat(JsonPath.<String>read(delivered.getFirst().getString("body"), "$.data.title"))
                .isEqualTo("Call [erased] about the windows");

        // the same erasure again, then an older rename arriving late: nothing is written back, nothing settled changes
        var settled = versionsOfSettled(tenant);
        publish(erasure);
        var late = new ContactUpdated(
                id(),
                tenant,
                client.card(),
                3,
                Instant.now(),
                system(),
                List.of("details"),
                null,
                null,
                null,
                null,
                client.details("Zebedee"));
        publish(late);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mongo.exists(
                        new Query(where("sourceEventId")
                                .is(late.eventId())
                                .and("recipientId")
                                .is(okHook)),
                        "deliveries"));
        assertThat(holdingTheClient(client)).isEmpty();
        assertThat(versionsOfSettled(tenant)).containsAllEntriesOf(settled);
    }

    @Test
    void anEmailInFlightWhenTheErasureArrivesDoesNotWriteTheAddressBack() throws Exception {
        String tenant = unique("t");
        var client = Client.create(tenant);
        segment(tenant, client);
        smtp.stop();
        // an SMTP server that accepts the connection and says nothing: the e-mail is in flight until it closes
        try (var silent = new ServerSocket()) {
            silent.setReuseAddress(true);
            silent.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), SMTP_PORT));
            // its own thread: the common pool has one thread on two cores, and the service needs it
            var connection = new CompletableFuture<Socket>();
            Thread.ofVirtual().start(() -> {
                try {
                    connection.complete(silent.accept());
                } catch (IOException e) {
                    connection.completeExceptionally(e);
                }
            });
            assertThat(call("POST", "/api/campaigns", admin(tenant), campaign(tenant, "EMAIL"))
                            .statusCode())
                    .isEqualTo(202);
            // claimed and connected: the dispatcher waits for the server's greeting
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> mongo.exists(
                            new Query(where("tenantId")
                                    .is(tenant)
                                    .and("channel")
                                    .is("EMAIL")
                                    .and("lockedBy")
                                    .ne(null)),
                            "deliveries"));
            try (var inFlight = connection.get(30, TimeUnit.SECONDS)) {
                // closed with a reset: no TIME_WAIT on the port, which GreenMail takes again below
                inFlight.setSoLinger(true, 0);
                publish(new ContactErased(id(), tenant, client.card(), 2, Instant.now(), system()));
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> mongo.exists(
                                new Query(where("tenantId")
                                        .is(tenant)
                                        .and("reason")
                                        .is("ERASED")),
                                "deliveries"));
            }
        } finally {
            smtp = startSmtp();
        }

        // the attempt is recorded (the e-mail failed with the connection) on the erased delivery, not over it
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var delivery = mongo.findOne(
                    new Query(where("tenantId").is(tenant).and("channel").is("EMAIL")), Document.class, "deliveries");
            assertThat(delivery.getInteger("attempts")).isEqualTo(1);
            assertThat(delivery.get("lockedBy")).isNull();
            assertThat(delivery.getString("status")).isEqualTo("SUPPRESSED");
            assertThat(delivery.getString("reason")).isEqualTo("ERASED");
            assertThat(delivery.get("address")).isNull();
        });
        assertThat(holdingTheClient(client)).isEmpty();
    }

    /** Every stored document, any collection, that holds one of the client's values: collection to ids. */
    private Map<String, List<Object>> holdingTheClient(Client client) {
        var found = new java.util.TreeMap<String, List<Object>>();
        String surname = client.surname().toLowerCase(Locale.ROOT);
        String phone = client.phone().substring(1);
        for (String collection : mongo.getCollectionNames()) {
            for (Document document : mongo.findAll(Document.class, collection)) {
                String text = document.toJson().toLowerCase(Locale.ROOT);
                if (text.contains(surname) || text.contains(phone)) {
                    found.computeIfAbsent(collection, c -> new ArrayList<>()).add(document.get("_id"));
                }
            }
        }
        return found;
    }

    private Map<Object, Object> versionsOfSettled(String tenant) {
        return mongo
                .find(new Query(where("tenantId").is(tenant).and("status").ne("PENDING")), Document.class, "deliveries")
                .stream()
                .collect(Collectors.toMap(d -> d.get("_id"), d -> d.get("version")));
    }

    private List<String> statuses(String tenant, String channel, String recipient) {
        return deliveries(tenant, channel, recipient).stream()
                .map(d -> d.getString("status"))
                .toList();
    }

    private List<Integer> attempts(String tenant, String channel, String recipient) {
        return deliveries(tenant, channel, recipient).stream()
                .map(d -> d.getInteger("attempts"))
                .toList();
    }

    private List<Document> deliveries(String tenant, String channel, String recipient) {
        return mongo.find(
                new Query(where("tenantId")
                        .is(tenant)
                        .and("channel")
                        .is(channel)
                        .and("recipientId")
                        .is(recipient)),
                Document.class,
                "deliveries");
    }

    private String subscribe(String tenant, String path, int status, String... eventTypes) {
        wiremock.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(status)));
        String types =
                java.util.Arrays.stream(eventTypes).map(t -> "\"" + t + "\"").collect(Collectors.joining(","));
        var response = call("POST", "/api/webhooks", admin(tenant), """
                {"url":"http://127.0.0.1:%d%s","eventTypes":[%s],"secret":"0123456789abcdef0123456789abcdef"}""".formatted(wiremock.port(), path, types));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JsonPath.read(response.body(), "$.id");
    }

    /** contacts-service's segment of the tenant: the client, with consent for e-mail and SMS. */
    private static void segment(String tenant, Client client) {
        wiremock.stubFor(get(urlPathEqualTo("/api/contacts/segments/seg-" + tenant + "/members"))
                .willReturn(okJson("""
                {"items":[{"id":"%s","displayName":"Zebedee %s","emails":["%s"],"phones":["%s"],
                  "consent":{"email":{"granted":true},"sms":{"granted":true}}}],"next":null}""".formatted(client.card(), client.surname(), client.email(), client.phone()))));
    }

    private static String campaign(String tenant, String channel) {
        return """
                {"segmentId":"seg-%s","channel":"%s","subject":"Spring sale","body":"10%% off all windows."}""".formatted(tenant, channel);
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
