package org.opencrm.notifications.client;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import com.jayway.jsonpath.JsonPath;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.opencrm.events.contacts.ContactErased;
import org.opencrm.events.contacts.ContactsMerged;
import org.opencrm.notifications.NotificationsTestBase;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.data.mongodb.core.query.Query;

/**
 * Birthday greetings on the real broker and database, GreenMail as SMTP server and WireMock as the identity
 * provider's token endpoint and as contacts-service (whose side, the day's birthdays by a stored month-day
 * key, is tested in contacts-service's {@code BirthdayServiceCallTest}).
 */
class BirthdayGreetingsTest extends NotificationsTestBase {

    private static final String SERVICE_TOKEN = TestJwts.user("crm-notifications")
            .without("tenant")
            .claim("scope", "contacts.birthdays")
            .mint();

    @Autowired
    BirthdayGreetings greetings;

    @Autowired
    ApplicationContext context;

    /** Another instance of the service: same database, its own instance id. */
    BirthdayGreetings secondInstance() {
        return context.getAutowireCapableBeanFactory().createBean(BirthdayGreetings.class);
    }

    static void identityProvider() {
        wiremock.stubFor(post(urlPathEqualTo("/oauth2/token"))
                .withRequestBody(containing("grant_type=client_credentials"))
                .willReturn(okJson("""
                        {"access_token":"%s","token_type":"Bearer","expires_in":600,"scope":"contacts.birthdays"}""".formatted(SERVICE_TOKEN))));
    }

    static void birthdays(String tenant, String date, String items) {
        wiremock.stubFor(get(urlPathEqualTo("/internal/contacts/birthdays"))
                .withQueryParam("tenant", equalTo(tenant))
                .withQueryParam("date", equalTo(date))
                .willReturn(okJson("{\"items\":[" + items + "],\"next\":null}")));
    }

    private void enable(String tenant, String json) {
        var response = call("PUT", "/api/notifications/birthdays/settings", admin(tenant), json);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private int contactsCallsFor(String tenant) {
        return wiremock.findAll(getRequestedFor(urlPathEqualTo("/internal/contacts/birthdays"))
                        .withQueryParam("tenant", equalTo(tenant)))
                .size();
    }

    @Test
    void eachClientWithConsentGetsOneGreetingOnTheirDayAndTheOthersAreSuppressed() throws Exception {
        identityProvider();
        String tenant = unique("t");
        String quiet = unique("t");
        enable(tenant, """
                {"enabled": true, "channels": ["EMAIL", "SMS"], "sendAt": "09:00", "timeZone": "Europe/Moscow"}""");
        // a tenant that never turned greetings on: nobody there is greeted, contacts-service is not even asked
        birthdays(quiet, "2026-03-14", """
                {"id":"q-1","displayName":"Quinn","email":"quinn@%s.test","consent":{"email":true,"sms":true}}""".formatted(quiet));
        birthdays(tenant, "2026-03-14", """
                {"id":"c-anna","displayName":"Anna Birthday","email":"anna@%1$s.test","phone":null,"consent":{"email":true,"sms":false}},
                {"id":"c-boris","displayName":"Boris","email":"boris@%1$s.test","phone":"+74950000002","consent":{"email":false,"sms":false}},
                {"id":"c-erik","displayName":"Erik","email":"erik@%1$s.test","consent":{"email":true,"sms":true}}""".formatted(tenant));
        // contacts-service leaves erased cards out; an answer that lags behind an erasure still greets nobody
        publish(new ContactErased(UUID.randomUUID().toString(), tenant, "c-erik", 4, Instant.now(), system()));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mongo.exists(
                        new Query(where("_id")
                                .is(tenant + ":c-erik")
                                .and("erased")
                                .is(true)),
                        "client_flags"));

        // 08:59 in Moscow: not yet
        clock.setTo(Instant.parse("2026-03-14T05:59:00Z"));
        greetings.runOnce();
        assertThat(contactsCallsFor(tenant)).isZero();

        // 09:01 in Moscow: two instances check at the same moment
        clock.setTo(Instant.parse("2026-03-14T06:01:00Z"));
        var other = secondInstance();
        CompletableFuture.allOf(
                        CompletableFuture.runAsync(greetings::runOnce), CompletableFuture.runAsync(other::runOnce))
                .get();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mailTo("anna@" + tenant + ".test").size() == 1);

        var mail = mailTo("anna@" + tenant + ".test").getFirst();
        assertThat(mail.getSubject()).isEqualTo("Happy birthday, Anna Birthday!");
        String text = mail.getContent().toString();
        assertThat(text).contains("Dear Anna Birthday").contains("Unsubscribe: http");
        // the service's own token went to contacts-service, obtained with client credentials
        assertThat(wiremock.findAll(getRequestedFor(urlPathEqualTo("/internal/contacts/birthdays"))
                                .withQueryParam("tenant", equalTo(tenant)))
                        .getFirst()
                        .getHeader("Authorization"))
                .isEqualTo("Bearer " + SERVICE_TOKEN);
        assertThat(wiremock.findAll(postRequestedFor(urlPathEqualTo("/oauth2/token"))))
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.getHeader("Authorization")).startsWith("Basic "));

        String admin = admin(tenant);
        var log = call(
                "GET",
                "/api/notifications/deliveries?campaignId="
                        + BirthdayGreetings.campaignOf(LocalDate.parse("2026-03-14")),
                admin,
                null);
        assertThat(log.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<List<String>>read(
                        log.body(), "$[?(@.recipientId == 'c-anna' && @.channel == 'EMAIL')].status"))
                .containsExactly("SENT");
        assertThat(JsonPath.<List<String>>read(
                        log.body(), "$[?(@.recipientId == 'c-anna' && @.channel == 'SMS')].reason"))
                .containsExactly("NO_CONSENT");
        assertThat(JsonPath.<List<String>>read(log.body(), "$[?(@.recipientId == 'c-boris')].reason"))
                .containsExactly("NO_CONSENT", "NO_CONSENT");
        assertThat(JsonPath.<List<String>>read(log.body(), "$[?(@.recipientId == 'c-erik')].reason"))
                .containsExactly("ERASED", "ERASED");
        assertThat(JsonPath.<List<Object>>read(log.body(), "$[*]")).hasSize(6);
        assertThat(mailTo("boris@" + tenant + ".test")).isEmpty();
        assertThat(mailTo("erik@" + tenant + ".test")).isEmpty();

        // later checks the same day, by either instance, change nothing; neither does a run whose record was
        // lost, nor the same client listed again on another day of the year (a corrected birthday)
        greetings.runOnce();
        other.runOnce();
        mongo.remove(new Query(where("_id").is(tenant + ":2026-03-14")), BirthdayGreetings.RUNS);
        greetings.runOnce();
        birthdays(tenant, "2026-03-20", """
                {"id":"c-anna","displayName":"Anna Birthday","email":"anna@%1$s.test","consent":{"email":true}}""".formatted(tenant));
        clock.setTo(Instant.parse("2026-03-20T07:00:00Z"));
        greetings.runOnce();
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .until(() -> mailTo("anna@" + tenant + ".test").size() == 1);
        assertThat(JsonPath.<List<Object>>read(
                        call("GET", "/api/notifications/deliveries?campaignId=birthdays:2026-03-20", admin, null)
                                .body(),
                        "$[*]"))
                .isEmpty();

        // next year she is greeted again
        birthdays(tenant, "2027-03-14", """
                {"id":"c-anna","displayName":"Anna Birthday","email":"anna@%1$s.test","consent":{"email":true}}""".formatted(tenant));
        clock.setTo(Instant.parse("2027-03-14T06:30:00Z"));
        greetings.runOnce();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mailTo("anna@" + tenant + ".test").size() == 2);

        assertThat(contactsCallsFor(quiet)).isZero();
        assertThat(mailTo("quinn@" + quiet + ".test")).isEmpty();

        // the link in the greeting withdraws the consent: the next year's greeting is suppressed
        var matcher = Pattern.compile("token=(\\S+)").matcher(text);
        assertThat(matcher.find()).isTrue();
        var unsubscribe = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + port + "/public/unsubscribe?token=" + matcher.group(1)))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unsubscribe.statusCode()).isEqualTo(200);
        birthdays(tenant, "2028-03-14", """
                {"id":"c-anna","displayName":"Anna Birthday","email":"anna@%1$s.test","consent":{"email":true}}""".formatted(tenant));
        clock.setTo(Instant.parse("2028-03-14T06:30:00Z"));
        greetings.runOnce();
        var suppressed = call("GET", "/api/notifications/deliveries?campaignId=birthdays:2028-03-14", admin, null);
        assertThat(JsonPath.<List<String>>read(suppressed.body(), "$[?(@.channel == 'EMAIL')].reason"))
                .containsExactly("UNSUBSCRIBED");
        assertThat(mailTo("anna@" + tenant + ".test")).hasSize(2);
    }

    @Test
    void aRunThatDiedHalfwayIsFinishedByAnotherInstanceWithoutDoubles() throws Exception {
        identityProvider();
        String tenant = unique("t");
        enable(tenant, """
                {"enabled": true, "channels": ["EMAIL"], "sendAt": "08:00", "timeZone": "Asia/Tokyo", "language": "ru"}""");
        birthdays(tenant, "2026-06-01", """
                {"id":"c-1","displayName":"Лена","email":"lena@%1$s.test","consent":{"email":true}},
                {"id":"c-2","displayName":"Олег","email":"oleg@%1$s.test","consent":{"email":true}}""".formatted(tenant));
        clock.setTo(Instant.parse("2026-05-31T23:30:00Z")); // 08:30 on 1 June in Tokyo
        greetings.runOnce();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mailTo("lena@" + tenant + ".test").size() == 1
                        && mailTo("oleg@" + tenant + ".test").size() == 1);
        assertThat(mailTo("lena@" + tenant + ".test").getFirst().getSubject()).isEqualTo("С днём рождения, Лена!");

        // an instance claimed the day and died before finishing it: after the lease another one takes over
        mongo.getCollection(BirthdayGreetings.RUNS)
                .replaceOne(
                        new Document("_id", tenant + ":2026-06-01"),
                        new Document("_id", tenant + ":2026-06-01")
                                .append("tenantId", tenant)
                                .append("done", false)
                                .append("lockedBy", "dead-instance")
                                .append("lockedUntil", Date.from(Instant.parse("2026-05-31T23:40:00Z"))));
        clock.setTo(Instant.parse("2026-05-31T23:35:00Z"));
        int before = contactsCallsFor(tenant);
        greetings.runOnce();
        assertThat(contactsCallsFor(tenant)).isEqualTo(before);
        clock.setTo(Instant.parse("2026-05-31T23:50:00Z"));
        greetings.runOnce();
        assertThat(contactsCallsFor(tenant)).isEqualTo(before + 1);
        assertThat(mongo.getCollection(BirthdayGreetings.RUNS)
                        .find(new Document("_id", tenant + ":2026-06-01"))
                        .first()
                        .getBoolean("done"))
                .isTrue();
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .until(() -> mailTo("lena@" + tenant + ".test").size() == 1
                        && mailTo("oleg@" + tenant + ".test").size() == 1);

        // Lena's card is merged into another card of hers with a later birthday: one person, one greeting a year
        publish(new ContactsMerged(
                UUID.randomUUID().toString(),
                tenant,
                "c-3",
                5,
                Instant.now(),
                system(),
                "c-1",
                null,
                null,
                null,
                null));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mongo.exists(
                        new Query(where("_id")
                                .is(tenant + ":c-1")
                                .and("mergedInto")
                                .is("c-3")),
                        "client_flags"));
        birthdays(tenant, "2026-06-05", """
                {"id":"c-3","displayName":"Лена","email":"lena.work@%1$s.test","consent":{"email":true}}""".formatted(tenant));
        clock.setTo(Instant.parse("2026-06-04T23:30:00Z"));
        greetings.runOnce();
        var log = call("GET", "/api/notifications/deliveries?campaignId=birthdays:2026-06-05", admin(tenant), null);
        assertThat(JsonPath.<List<String>>read(log.body(), "$[*].reason")).containsExactly("ALREADY_GREETED");
        assertThat(mailTo("lena.work@" + tenant + ".test")).isEmpty();
    }

    @Test
    void settingsAreAdministratorsOnlyValidatedAndPerTenant() {
        String tenant = unique("t");
        String admin = admin(tenant);
        var defaults = call("GET", "/api/notifications/birthdays/settings", admin, null);
        assertThat(defaults.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<Boolean>read(defaults.body(), "$.enabled")).isFalse();

        var bad = call("PUT", "/api/notifications/birthdays/settings", admin, """
                {"enabled": true, "channels": ["IN_APP"], "sendAt": "25:00", "timeZone": "Mars/Olympus"}""");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type").orElseThrow()).contains("application/problem+json");
        assertThat(bad.body()).contains("channels", "sendAt", "timeZone");
        var none = call("PUT", "/api/notifications/birthdays/settings", admin, """
                {"enabled": true, "channels": [], "sendAt": "09:00", "timeZone": "UTC"}""");
        assertThat(none.statusCode()).isEqualTo(400);
        var injected = call("PUT", "/api/notifications/birthdays/settings", admin, """
                {"enabled": true, "channels": ["EMAIL"], "sendAt": "09:00", "timeZone": {"$ne": ""}}""");
        assertThat(injected.statusCode()).isEqualTo(400);
        var unknown = call("PUT", "/api/notifications/birthdays/settings", admin, """
                {"enabled": true, "channels": ["EMAIL"], "sendAt": "09:00", "timeZone": "UTC", "tenantId": "other"}""");
        assertThat(unknown.statusCode()).isEqualTo(400);

        assertThat(call("PUT", "/api/notifications/birthdays/settings", user(tenant, "rep"), """
                        {"enabled": true, "channels": ["EMAIL"], "sendAt": "09:00", "timeZone": "UTC"}""")
                        .statusCode())
                .isEqualTo(403);
        assertThat(call("GET", "/api/notifications/birthdays/settings", user(tenant, "rep"), null)
                        .statusCode())
                .isEqualTo(403);

        var saved = call("PUT", "/api/notifications/birthdays/settings", admin, """
                {"enabled": true, "channels": ["SMS", "EMAIL", "SMS"], "sendAt": "10:30", "timeZone": "Europe/Berlin", "language": "ru"}""");
        assertThat(saved.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<List<String>>read(saved.body(), "$.channels")).containsExactly("SMS", "EMAIL");
        assertThat(JsonPath.<String>read(
                        call("GET", "/api/notifications/birthdays/settings", admin, null)
                                .body(),
                        "$.sendAt"))
                .isEqualTo("10:30");
        // another tenant's administrator sees their own (default) settings
        assertThat(JsonPath.<Boolean>read(
                        call("GET", "/api/notifications/birthdays/settings", admin(unique("t")), null)
                                .body(),
                        "$.enabled"))
                .isFalse();
    }
}
