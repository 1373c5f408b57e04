package org.opencrm.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.Topics;
import org.opencrm.events.tasks.ReassignmentReason;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.events.tasks.TaskOverdue;
import org.opencrm.events.tasks.TaskReassigned;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.KafkaTestConsumer;
import org.opencrm.testkit.TestInfrastructure;

/** Routing defaults, e-mail over real SMTP, in-app over SSE, and one delivery per event, channel and recipient. */
class DeliveryFlowTest extends NotificationsTestBase {

    @Test
    void anOverdueTaskEmailsTheHeadAndReachesTheAssigneesLiveStream() throws Exception {
        String tenant = unique("t");
        team(
                tenant,
                "sales",
                List.of("head-1"),
                member("head-1", "Helen Head", "helen@" + tenant + ".test", null, "en", "Europe/Berlin"),
                member("rep-1", "Roman Rep", "roman@" + tenant + ".test", null, "en", "Europe/Berlin"));
        try (var stream = new SseClient(port, user(tenant, "rep-1"), null)) {
            assertThat(stream.awaitStatus()).isEqualTo(200);
            var overdue = new TaskOverdue(
                    UUID.randomUUID().toString(),
                    tenant,
                    "task-1",
                    3,
                    Instant.now(),
                    system(),
                    "Call the client back",
                    "rep-1",
                    "sales",
                    Instant.parse("2026-03-12T13:30:00Z"),
                    "HIGH",
                    "deal-1",
                    "c-1");
            publish(overdue);

            var event = stream.next(30);
            assertThat(event).isNotNull();
            assertThat(event.name()).isEqualTo("notification");
            assertThat(JsonPath.<String>read(event.data(), "$.topic")).isEqualTo("TaskOverdue");
            assertThat(JsonPath.<String>read(event.data(), "$.body")).contains("Call the client back");
            assertThat(JsonPath.<String>read(event.data(), "$.sourceEventId")).isEqualTo(overdue.eventId());

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> mailTo("helen@" + tenant + ".test").size() == 1);
            var mail = mailTo("helen@" + tenant + ".test").getFirst();
            assertThat(mail.getSubject()).isEqualTo("Overdue: Call the client back");
            assertThat(mail.getContent().toString())
                    .contains("Hello Helen Head")
                    .contains("assigned to Roman Rep")
                    // 13:30 UTC in Berlin, the head's zone
                    .contains("2:30")
                    .contains("Europe/Berlin");
            // the assignee is told too (e-mail and in-app), the head also in-app: four deliveries in all
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                var log = call(
                        "GET", "/api/notifications/deliveries?sourceEventId=" + overdue.eventId(), admin(tenant), null);
                assertThat(JsonPath.<List<String>>read(log.body(), "$[*].status"))
                        .containsOnly("SENT")
                        .hasSize(4);
            });
            assertThat(stream.next(1)).isNull();
        }
    }

    @Test
    void theSameEventDeliveredTwiceSendsNothingTwice() throws Exception {
        String tenant = unique("t");
        String address = "rita@" + tenant + ".test";
        team(tenant, "sales", List.of(), member("rep-2", "Rita", address, null, "en", "UTC"));
        var created = new TaskCreated(
                UUID.randomUUID().toString(),
                tenant,
                "task-2",
                1,
                Instant.now(),
                system(),
                "Measure on site",
                "MEASUREMENT",
                "rep-2",
                "sales",
                Instant.now().plus(1, ChronoUnit.DAYS),
                "NORMAL",
                null,
                null,
                null,
                null);
        try (var sent = KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.NOTIFICATIONS)) {
            publish(created);
            publish(created);
            await().atMost(Duration.ofSeconds(30)).until(() -> mailTo(address).size() == 1);
            var published = sent.await(r -> r.value().contains(created.eventId()), 2, Duration.ofSeconds(30));
            publish(created);

            var later = sent.drain(r -> r.value().contains(created.eventId()), Duration.ofSeconds(3));
            assertThat(later).hasSize(2);
            assertThat(later)
                    .allSatisfy(r -> assertThat(EventRecords.header(r.headers(), EventHeaders.TYPE))
                            .contains("crm.notifications.NotificationSent.v1"));
            assertThat(published).hasSize(2);
        }
        assertThat(mailTo(address)).hasSize(1);
        var inbox = call("GET", "/api/notifications?unread=true", user(tenant, "rep-2"), null);
        assertThat(JsonPath.<List<String>>read(inbox.body(), "$[*].sourceEventId"))
                .containsExactly(created.eventId());
        var log = call("GET", "/api/notifications/deliveries", user(tenant, "rep-2"), null);
        assertThat(JsonPath.<List<Integer>>read(log.body(), "$[*].attempts")).containsExactly(1, 1);
    }

    @Test
    void aReassignedTaskTellsBothAssignees() {
        String tenant = unique("t");
        team(
                tenant,
                "sales",
                List.of(),
                member("old", "Olga", "olga@" + tenant + ".test", null, "ru", "Europe/Moscow"),
                member("new", "Nick", "nick@" + tenant + ".test", null, "en", "UTC"));
        publish(new TaskReassigned(
                UUID.randomUUID().toString(),
                tenant,
                "task-3",
                4,
                Instant.now(),
                system(),
                "old",
                "new",
                "sales",
                ReassignmentReason.OVERDUE_ESCALATION,
                "Send the quote",
                Instant.now(),
                null,
                null));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mailTo("olga@" + tenant + ".test").size() == 1
                        && mailTo("nick@" + tenant + ".test").size() == 1);
        // each in their own language
        assertThat(subject(mailTo("olga@" + tenant + ".test").getFirst())).isEqualTo("Задача передана: Send the quote");
        assertThat(subject(mailTo("nick@" + tenant + ".test").getFirst()))
                .isEqualTo("Task handed over: Send the quote");
    }

    @Test
    void theStreamResumesAfterLastEventIdAndOnlyWithTheCallersOwnNotifications() throws Exception {
        String tenant = unique("t");
        team(
                tenant,
                "sales",
                List.of(),
                member("rep-4", "Rick", null, null, "en", "UTC"),
                member("rep-5", "Sam", null, null, "en", "UTC"));
        for (String title : List.of("first", "second", "third")) {
            publish(new TaskCreated(
                    UUID.randomUUID().toString(),
                    tenant,
                    "task-" + title,
                    1,
                    Instant.now(),
                    system(),
                    title,
                    "CALL",
                    "rep-4",
                    "sales",
                    null,
                    null,
                    null,
                    null,
                    null,
                    null));
        }
        publish(new TaskCreated(
                UUID.randomUUID().toString(),
                tenant,
                "task-other",
                1,
                Instant.now(),
                system(),
                "not yours",
                "CALL",
                "rep-5",
                "sales",
                null,
                null,
                null,
                null,
                null,
                null));
        String token = user(tenant, "rep-4");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> JsonPath.<List<Object>>read(
                                        call("GET", "/api/notifications", token, null)
                                                .body(),
                                        "$")
                                .size()
                        == 3);
        var list = call("GET", "/api/notifications", token, null).body();
        List<Integer> seqs = JsonPath.read(list, "$[*].seq");
        int oldest = seqs.stream().mapToInt(Integer::intValue).min().orElseThrow();

        try (var stream = new SseClient(port, token, Integer.toString(oldest))) {
            var a = stream.next(10);
            var b = stream.next(10);
            assertThat(List.of(a.id(), b.id()))
                    .containsExactly(Integer.toString(oldest + 1), Integer.toString(oldest + 2));
            assertThat(stream.next(1)).isNull();
        }

        String firstId = JsonPath.read(list, "$[2].id");
        assertThat(call("POST", "/api/notifications/" + firstId + "/read", token, null)
                        .statusCode())
                .isEqualTo(204);
        assertThat(JsonPath.<List<Object>>read(
                        call("GET", "/api/notifications?unread=true", token, null)
                                .body(),
                        "$"))
                .hasSize(2);
        // another user's notification is not found, not readable
        assertThat(call("POST", "/api/notifications/" + firstId + "/read", user(tenant, "rep-5"), null)
                        .statusCode())
                .isEqualTo(404);
    }

    private static String subject(jakarta.mail.internet.MimeMessage message) {
        try {
            return message.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
