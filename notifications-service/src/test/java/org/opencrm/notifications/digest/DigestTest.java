package org.opencrm.notifications.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.opencrm.events.tasks.TaskCompleted;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.notifications.NotificationsTestBase;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.query.Query;

/** Task reports by e-mail, in the recipient's zone, exactly once per period however many instances run. */
class DigestTest extends NotificationsTestBase {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Autowired
    DigestScheduler digests;

    @Test
    void eachUserAndTheTeamsHeadGetOneDailyReportPerDayEvenWhenInstancesRace() {
        String tenant = unique("t");
        String rep = "mia@" + tenant + ".test";
        String head = "hugo@" + tenant + ".test";
        team(
                tenant,
                "sales",
                List.of("head-h"),
                member("head-h", "Hugo", head, null, "ru", "Asia/Tokyo"),
                member("rep-m", "Mia", rep, null, "en", "Europe/Berlin"));
        // 10:00 in Berlin on a day well ahead, so no other test's digest period is the same
        Instant morning = LocalDate.now()
                .plusDays(40)
                .atTime(LocalTime.of(10, 0))
                .atZone(BERLIN)
                .toInstant();
        task(tenant, "Overdue call", morning.minusSeconds(7200), null);
        task(tenant, "Meeting later today", morning.plusSeconds(3600), null);
        task(tenant, "Quote sent", morning.minusSeconds(90_000), morning.minusSeconds(86_400));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mongo.count(
                                        new Query(where("tenantId")
                                                .is(tenant)
                                                .and("sourceVersion")
                                                .gte(1)),
                                        TaskCopies.COLLECTION)
                                == 3
                        && mongo.count(
                                        new Query(where("tenantId")
                                                .is(tenant)
                                                .and("state")
                                                .is("DONE")),
                                        TaskCopies.COLLECTION)
                                == 1);

        clock.setTo(morning);
        // two instances at the same moment, then again a minute later
        CompletableFuture.allOf(
                        CompletableFuture.runAsync(digests::runOnce), CompletableFuture.runAsync(digests::runOnce))
                .join();
        clock.setTo(morning.plusSeconds(60));
        digests.runOnce();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> reports(rep).size() == 1 && reports(head).size() == 1);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> reports(rep).size() == 1 && reports(head).size() == 1);
        var repMail = reports(rep).getFirst();
        assertThat(subject(repMail)).isEqualTo("Daily task report");
        assertThat(content(repMail))
                .contains("Overdue: 1\n- Overdue call")
                .contains("Due: 1\n- Meeting later today")
                .contains("Done: 1\n- Quote sent");
        // the head's report covers the team, in Russian
        assertThat(subject(reports(head).getFirst())).isEqualTo("Ежедневный отчёт по задачам");
        assertThat(content(reports(head).getFirst())).contains("Просрочено: 1\n- Overdue call");

        // the next day brings the next report
        clock.setTo(morning.plus(Duration.ofDays(1)));
        digests.runOnce();
        await().atMost(Duration.ofSeconds(30)).until(() -> reports(rep).size() == 2);
    }

    /** The digests among the mail (the tasks themselves were announced by mail too). */
    private static List<jakarta.mail.internet.MimeMessage> reports(String address) {
        return mailTo(address).stream()
                .filter(m -> subject(m).endsWith("task report") || subject(m).endsWith("отчёт по задачам"))
                .toList();
    }

    private void task(String tenant, String title, Instant dueAt, Instant completedAt) {
        String taskId = "task-" + UUID.randomUUID();
        publish(new TaskCreated(
                UUID.randomUUID().toString(),
                tenant,
                taskId,
                1,
                dueAt.minusSeconds(200_000),
                system(),
                title,
                "CALL",
                "rep-m",
                "sales",
                dueAt,
                null,
                null,
                null,
                null,
                null));
        if (completedAt != null) {
            publish(new TaskCompleted(
                    UUID.randomUUID().toString(),
                    tenant,
                    taskId,
                    2,
                    completedAt,
                    system(),
                    "CALL",
                    "rep-m",
                    "sales",
                    dueAt,
                    "done",
                    null,
                    null,
                    null,
                    false));
        }
    }

    private static String subject(jakarta.mail.internet.MimeMessage message) {
        try {
            return message.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String content(jakarta.mail.internet.MimeMessage message) {
        try {
            return message.getContent().toString().replace("\r\n", "\n");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
