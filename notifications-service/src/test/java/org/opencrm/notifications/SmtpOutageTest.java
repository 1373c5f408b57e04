package org.opencrm.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencrm.events.tasks.TaskDueSoon;

/** The SMTP server goes away and comes back: the mail is sent once, after it is back. */
class SmtpOutageTest extends NotificationsTestBase {

    @Test
    void mailQueuedWhileTheSmtpServerIsDownArrivesOnceAfterItIsBack() {
        String tenant = unique("t");
        String address = "dora@" + tenant + ".test";
        team(tenant, "sales", List.of(), member("rep-d", "Dora", address, null, "en", "UTC"));
        smtp.stop();
        try {
            var dueSoon = new TaskDueSoon(
                    UUID.randomUUID().toString(),
                    tenant,
                    "task-d",
                    2,
                    Instant.now(),
                    system(),
                    "Prepare the contract",
                    "rep-d",
                    "sales",
                    Instant.now().plusSeconds(900),
                    "NORMAL",
                    null,
                    null);
            publish(dueSoon);

            String log = "/api/notifications/deliveries?channel=EMAIL&sourceEventId=" + dueSoon.eventId();
            // several failed attempts (and an open circuit) while the server is down; still pending, not lost
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                var body = call("GET", log, admin(tenant), null).body();
                assertThat(JsonPath.<List<String>>read(body, "$[*].status")).containsExactly("PENDING");
                assertThat(JsonPath.<Integer>read(body, "$[0].attempts")).isGreaterThanOrEqualTo(2);
            });
            assertThat(mailTo(address)).isEmpty();
        } finally {
            smtp = startSmtp();
        }
        String log = "/api/notifications/deliveries?channel=EMAIL&status=SENT";
        await().atMost(Duration.ofSeconds(30)).until(() -> mailTo(address).size() == 1);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> mailTo(address).size() == 1);
        assertThat(JsonPath.<List<String>>read(
                        call("GET", log, admin(tenant), null).body(), "$[*].status"))
                .containsExactly("SENT");
    }
}
