package org.opencrm.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.Topics;
import org.opencrm.events.tasks.RuleNotificationRequested;
import org.opencrm.events.tasks.RuleRecipient;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.KafkaTestConsumer;
import org.opencrm.testkit.TestInfrastructure;

/** An automation rule's notify action (issue 6) reaches the people it names, once, in their language. */
class RuleNotificationTest extends NotificationsTestBase {

    @Test
    void aRuleNotificationEmailsAndTellsInAppTheTeamHeadAndTheDealOwnerOnceEvenWhenDeliveredTwice() throws Exception {
        String tenant = unique("t");
        String headMail = "hanna@" + tenant + ".test";
        String ownerMail = "oscar@" + tenant + ".test";
        team(
                tenant,
                "measurers",
                List.of("head-m"),
                member("head-m", "Ханна", headMail, null, "ru", "Europe/Moscow"),
                member("measurer-1", "Mike", "mike@" + tenant + ".test", null, "en", "UTC"));
        team(tenant, "sales", List.of(), member("owner-1", "Oscar Owner", ownerMail, null, "en", "UTC"));
        var requested = request(
                tenant,
                List.of(
                        new RuleRecipient(RuleRecipient.Kind.TEAM_HEAD, null, "measurers"),
                        new RuleRecipient(RuleRecipient.Kind.DEAL_OWNER, "owner-1", null)),
                "Windows for the Smiths needs a measurer");

        try (var sent = KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.NOTIFICATIONS)) {
            publish(requested);
            publish(requested);
            // head and owner, each by e-mail and in-app
            sent.await(r -> r.value().contains(requested.eventId()), 4, Duration.ofSeconds(30));
            publish(requested);

            var all = sent.drain(r -> r.value().contains(requested.eventId()), Duration.ofSeconds(3));
            assertThat(all)
                    .hasSize(4)
                    .allSatisfy(r -> assertThat(EventRecords.header(r.headers(), EventHeaders.TYPE))
                            .contains("crm.notifications.NotificationSent.v1"));
        }

        assertThat(mailTo(headMail)).hasSize(1);
        MimeMessage toHead = mailTo(headMail).getFirst();
        assertThat(toHead.getSubject()).isEqualTo("Автоматизация: Measurement booked");
        assertThat(toHead.getContent().toString())
                .contains("Здравствуйте, Ханна!")
                .contains("Windows for the Smiths needs a measurer");
        assertThat(mailTo(ownerMail)).hasSize(1);
        assertThat(mailTo(ownerMail).getFirst().getSubject()).isEqualTo("Automation: Measurement booked");
        // Only the head of the team, not its members.
        assertThat(mailTo("mike@" + tenant + ".test")).isEmpty();

        var headInbox = call("GET", "/api/notifications?unread=true", user(tenant, "head-m"), null);
        assertThat(JsonPath.<List<String>>read(headInbox.body(), "$[*].sourceEventId"))
                .containsExactly(requested.eventId());
        assertThat(JsonPath.<List<String>>read(headInbox.body(), "$[*].body"))
                .containsExactly("Windows for the Smiths needs a measurer");
        var ownerInbox = call("GET", "/api/notifications?unread=true", user(tenant, "owner-1"), null);
        assertThat(JsonPath.<List<String>>read(ownerInbox.body(), "$[*].sourceEventId"))
                .containsExactly(requested.eventId());
        var log =
                call("GET", "/api/notifications/deliveries?sourceEventId=" + requested.eventId(), admin(tenant), null);
        assertThat(JsonPath.<List<String>>read(log.body(), "$[*].status"))
                .hasSize(4)
                .containsOnly("SENT");
    }

    @Test
    void aWholeTeamRecipientRespectsEachMembersChannelPreferences() {
        String tenant = unique("t");
        String keenMail = "keen@" + tenant + ".test";
        String quietMail = "quiet@" + tenant + ".test";
        team(
                tenant,
                "installers",
                List.of(),
                member("keen", "Kim", keenMail, null, "en", "UTC"),
                member("quiet", "Quinn", quietMail, null, "en", "UTC"));
        var prefs = call("PUT", "/api/notifications/preferences", user(tenant, "quiet"), """
                {"channels": {"RuleNotificationRequested": ["IN_APP"]}, "digests": []}
                """);
        assertThat(prefs.statusCode()).as(prefs.body()).isEqualTo(200);
        var requested = request(tenant, List.of(new RuleRecipient(RuleRecipient.Kind.TEAM, null, "installers")), null);

        publish(requested);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var log = call(
                    "GET", "/api/notifications/deliveries?sourceEventId=" + requested.eventId(), admin(tenant), null);
            assertThat(JsonPath.<List<String>>read(log.body(), "$[*].status"))
                    .containsExactlyInAnyOrder("SENT", "SENT", "SENT", "SUPPRESSED");
        });
        assertThat(mailTo(keenMail)).hasSize(1);
        assertThat(mailTo(quietMail)).isEmpty();
        // No text in the rule: the notification says which rule fired.
        var inbox = call("GET", "/api/notifications?unread=true", user(tenant, "quiet"), null);
        assertThat(JsonPath.<List<String>>read(inbox.body(), "$[*].body")).containsExactly("Measurement booked");
    }

    private static RuleNotificationRequested request(String tenant, List<RuleRecipient> recipients, String message) {
        String triggerId = UUID.randomUUID().toString();
        return new RuleNotificationRequested(
                UUID.randomUUID().toString(),
                tenant,
                "firing-" + triggerId,
                1,
                Instant.now(),
                system(),
                "rule-1",
                "Measurement booked",
                triggerId,
                "crm.deals.DealStageChanged.v1",
                "deal-1",
                "contact-1",
                "sales",
                recipients,
                message);
    }
}
