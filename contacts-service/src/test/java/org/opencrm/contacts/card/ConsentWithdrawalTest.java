package org.opencrm.contacts.card;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Actor;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.Topics;
import org.opencrm.events.contacts.ContactUpdated;
import org.opencrm.events.notifications.ClientUnsubscribed;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.KafkaTestConsumer;
import org.opencrm.testkit.TestInfrastructure;

/** A client's unsubscribe in notifications-service ({@code ClientUnsubscribed}) withdraws the card's consent. */
class ConsentWithdrawalTest extends ContactsApiTest {

    @Test
    void anUnsubscribeWithdrawsThatChannelsConsentOnceAndNeverUndoesALaterChoice() {
        String tenant = newTenant();
        String admin = admin(tenant);
        String id = create(admin, """
                {"kind": "PERSON", "firstName": "Yana", "lastName": "Client", "tags": ["news"],
                 "emails": ["yana@example.test"], "consent": {"email": true, "sms": true}}""");
        var segment = post("/api/contacts/segments", admin, """
                {"name": "Newsletter", "filter": {"tag": "news"}}""");
        assertThat(segment.statusCode()).isEqualTo(201);
        String segmentId = json(segment, "$.id");
        String versionBefore =
                get("/api/contacts/" + id, admin).headers().firstValue("ETag").orElseThrow();

        Instant clicked = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        var unsubscribed = new ClientUnsubscribed(
                UUID.randomUUID().toString(),
                tenant,
                "opt-out-" + UUID.randomUUID(),
                1,
                clicked,
                Actor.system("unsubscribe-link"),
                id,
                NotificationChannel.EMAIL);
        publish(unsubscribed);

        // the card shows the withdrawal, with the time the client clicked; SMS consent is untouched
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Boolean.FALSE.equals(json(get("/api/contacts/" + id, admin), "$.consent.email.granted")));
        var card = get("/api/contacts/" + id, admin);
        assertThat(Instant.parse(json(card, "$.consent.email.at"))).isEqualTo(clicked);
        assertThat((Boolean) json(card, "$.consent.sms.granted")).isTrue();
        String versionAfter = card.headers().firstValue("ETag").orElseThrow();
        assertThat(versionAfter).isNotEqualTo(versionBefore);
        // segment readers (notifications' campaigns) see it
        var members = get("/api/contacts/segments/" + segmentId + "/members", admin);
        assertThat((List<Boolean>) json(members, "$.items[*].consent.email.granted"))
                .containsExactly(false);
        // other services learn it from the card's own event
        try (var events = KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.CONTACTS)) {
            var updated = events.await(
                    r -> id.equals(r.key())
                            && "crm.contacts.ContactUpdated.v1"
                                    .equals(header(r.headers().lastHeader(EventHeaders.TYPE))),
                    1,
                    Duration.ofSeconds(30));
            var event = (ContactUpdated) EventRecords.decode(updated.getLast()).orElseThrow();
            assertThat(event.changedFields()).containsExactly("consent.email");
        }

        // the same event again (redelivery, replay, a second instance) changes nothing
        publish(unsubscribed);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .until(() -> versionAfter.equals(get("/api/contacts/" + id, admin)
                        .headers()
                        .firstValue("ETag")
                        .orElseThrow()));

        // the client gives consent again later: a replay of the old click does not take it away
        var regranted = send("PATCH", "/api/contacts/" + id, admin, """
                {"consent": {"email": true, "sms": true}}""");
        assertThat(regranted.statusCode()).as(regranted.body()).isEqualTo(200);
        publish(unsubscribed);
        // another tenant's event naming this card is ignored
        publish(new ClientUnsubscribed(
                UUID.randomUUID().toString(),
                newTenant(),
                "opt-out-" + UUID.randomUUID(),
                1,
                Instant.now(),
                Actor.system("unsubscribe-link"),
                id,
                NotificationChannel.SMS));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> {
            var now = get("/api/contacts/" + id, admin);
            return Boolean.TRUE.equals(json(now, "$.consent.email.granted"))
                    && Boolean.TRUE.equals(json(now, "$.consent.sms.granted"));
        });

        // a newer click withdraws again
        publish(new ClientUnsubscribed(
                UUID.randomUUID().toString(),
                tenant,
                "opt-out-" + UUID.randomUUID(),
                1,
                Instant.now(),
                Actor.system("unsubscribe-link"),
                id,
                NotificationChannel.SMS));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Boolean.FALSE.equals(json(get("/api/contacts/" + id, admin), "$.consent.sms.granted")));
        assertThat((Boolean) json(get("/api/contacts/" + id, admin), "$.consent.email.granted"))
                .isTrue();
    }

    private static String header(org.apache.kafka.common.header.Header header) {
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
