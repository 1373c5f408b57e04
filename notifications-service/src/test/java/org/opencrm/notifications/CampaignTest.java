package org.opencrm.notifications;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import com.jayway.jsonpath.JsonPath;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.Topics;
import org.opencrm.events.contacts.ContactErased;
import org.opencrm.events.notifications.ClientUnsubscribed;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.KafkaTestConsumer;
import org.opencrm.testkit.TestInfrastructure;

/** Campaigns to a contacts segment (contacts-service played by WireMock): consent, erasure, unsubscribe. */
class CampaignTest extends NotificationsTestBase {

    @Test
    void aCampaignSkipsClientsWithoutConsentAndErasedOnesAndHonoursUnsubscribe() throws Exception {
        String tenant = unique("t");
        String segment = "seg-" + tenant;
        // contacts-service's answer: cards in pages joined by a cursor
        String members = "/api/contacts/segments/" + segment + "/members";
        wiremock.stubFor(
                get(urlPathEqualTo(members)).withQueryParam("cursor", absent()).willReturn(okJson("""
                        {"items":[
                          {"id":"c-yes","displayName":"Yan","emails":["yan@%1$s.test"],"consent":{"email":{"granted":true,"at":"2026-01-01T00:00:00Z"},"sms":null}},
                          {"id":"c-no","displayName":"Nora","emails":["nora@%1$s.test"],"consent":{"email":{"granted":false,"at":"2026-02-01T00:00:00Z"}}},
                          {"id":"c-sms-only","displayName":"Sid","emails":["sid@%1$s.test"],"consent":{"sms":{"granted":true}}}
                        ],"next":"page-2"}""".formatted(
                                tenant))));
        wiremock.stubFor(get(urlPathEqualTo(members))
                .withQueryParam("cursor", equalTo("page-2"))
                .willReturn(okJson("""
                        {"items":[
                          {"id":"c-erased","displayName":"Erin","emails":["erin@%1$s.test"],"consent":{"email":{"granted":true}},"erased":false},
                          {"id":"c-archived","displayName":"Arno","emails":["arno@%1$s.test"],"consent":{"email":{"granted":true}},"archived":true},
                          {"id":"c-ru","displayName":"Руслан","emails":["ruslan@%1$s.test"],"language":"ru","consent":{"email":{"granted":true}}}
                        ],"next":null}""".formatted(tenant))));
        publish(new ContactErased(UUID.randomUUID().toString(), tenant, "c-erased", 7, Instant.now(), system()));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mongo.exists(
                        new org.springframework.data.mongodb.core.query.Query(where("_id")
                                .is(tenant + ":c-erased")
                                .and("erased")
                                .is(true)),
                        "client_flags"));

        String token = admin(tenant);
        var response = call("POST", "/api/campaigns", token, """
                {"segmentId":"%s","channel":"EMAIL","subject":"Spring sale","body":"10%% off all windows."}""".formatted(segment));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(JsonPath.<Integer>read(response.body(), "$.queued")).isEqualTo(2);
        assertThat(JsonPath.<Integer>read(response.body(), "$.suppressed")).isEqualTo(3);
        String campaignId = JsonPath.read(response.body(), "$.campaignId");
        // the caller's token went to contacts-service, so the segment is read with the caller's visibility
        assertThat(wiremock.findAll(getRequestedFor(urlPathEqualTo("/api/contacts/segments/" + segment + "/members")))
                        .getFirst()
                        .getHeader("Authorization"))
                .isEqualTo("Bearer " + token);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> mailTo("yan@" + tenant + ".test").size() == 1
                        && mailTo("ruslan@" + tenant + ".test").size() == 1);
        for (String nobody : List.of("nora", "sid", "erin", "arno")) {
            assertThat(mailTo(nobody + "@" + tenant + ".test")).isEmpty();
        }
        var log = call(
                "GET", "/api/notifications/deliveries?campaignId=" + campaignId + "&status=SUPPRESSED", token, null);
        assertThat(JsonPath.<List<String>>read(log.body(), "$[*].reason"))
                .containsExactlyInAnyOrder("NO_CONSENT", "NO_CONSENT", "ERASED");
        var yanMail = mailTo("yan@" + tenant + ".test").getFirst();
        assertThat(yanMail.getSubject()).isEqualTo("Spring sale");
        String text = yanMail.getContent().toString();
        assertThat(text).contains("10% off all windows.").contains("Unsubscribe: http");
        assertThat(mailTo("ruslan@" + tenant + ".test").getFirst().getContent().toString())
                .contains("Отписаться: http");

        // the link works without a token and withdraws consent for that channel
        var matcher = Pattern.compile("token=(\\S+)").matcher(text);
        assertThat(matcher.find()).isTrue();
        var unsubscribe = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + port + "/public/unsubscribe?token=" + matcher.group(1)))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unsubscribe.statusCode()).isEqualTo(200);
        // a second click (or a mail client prefetching the link) changes nothing more
        var again = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + port + "/public/unsubscribe?token=" + matcher.group(1)))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(200);
        var forged = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/public/unsubscribe?token=abc.def"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(400);

        var second = call("POST", "/api/campaigns", token, """
                {"segmentId":"%s","channel":"EMAIL","subject":"Summer sale","body":"Again."}""".formatted(segment));
        assertThat(JsonPath.<Integer>read(second.body(), "$.queued")).isEqualTo(1);
        String secondId = JsonPath.read(second.body(), "$.campaignId");
        var secondLog =
                call("GET", "/api/notifications/deliveries?campaignId=" + secondId + "&status=SUPPRESSED", token, null);
        assertThat(JsonPath.<List<String>>read(secondLog.body(), "$[*].reason")).contains("UNSUBSCRIBED");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mailTo("ruslan@" + tenant + ".test").size() == 2);
        assertThat(mailTo("yan@" + tenant + ".test")).hasSize(1);

        // contacts-service is told once, by the client's card id and the channel, without the address
        try (var events =
                KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.NOTIFICATIONS)) {
            Predicate<ConsumerRecord<String, String>> unsubscribed =
                    r -> r.value().contains(tenant)
                            && "crm.notifications.ClientUnsubscribed.v1".equals(header(r, EventHeaders.TYPE));
            events.await(unsubscribed, 1, Duration.ofSeconds(30));
            var all = events.drain(unsubscribed, Duration.ofSeconds(2));
            assertThat(all).hasSize(1);
            var event = (ClientUnsubscribed) EventRecords.decode(all.getFirst()).orElseThrow();
            assertThat(event.tenantId()).isEqualTo(tenant);
            assertThat(event.contactId()).isEqualTo("c-yes");
            assertThat(event.channel()).isEqualTo(NotificationChannel.EMAIL);
            assertThat(all.getFirst().value()).doesNotContain("yan@");
        }

        assertThat(call(
                                "POST",
                                "/api/campaigns",
                                user(tenant, "rep"),
                                "{\"segmentId\":\"x\",\"channel\":\"EMAIL\",\"body\":\"b\"}")
                        .statusCode())
                .isEqualTo(403);
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
