package org.opencrm.notifications.digest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.opencrm.events.tasks.TaskCompleted;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.notifications.NotificationsProperties;
import org.opencrm.notifications.NotificationsTestBase;
import org.opencrm.notifications.delivery.Deliveries;
import org.opencrm.notifications.directory.Directory;
import org.opencrm.notifications.preference.PreferenceStore;
import org.opencrm.notifications.template.Templates;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.query.Query;

/** Task reports by e-mail, in the recipient's zone, exactly once per period however many instances run. */
class DigestTest extends NotificationsTestBase {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

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

    @Test
    void aReportWithNothingOverdueDueOrDoneIsNotMailedAndSettlesItsDay() {
        String tenant = unique("t");
        String address = "emil@" + tenant + ".test";
        team(tenant, "sales", List.of(), member("rep-e", "Emil", address, null, "en", "Europe/Berlin"));
        Instant morning = LocalDate.now()
                .plusDays(100)
                .atTime(LocalTime.of(9, 0))
                .atZone(BERLIN)
                .toInstant();

        // the first start: a new member with no tasks gets no report
        clock.setTo(morning);
        digests.runOnce();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> digestDeliveries(tenant, "rep-e").size() == 1);
        var settled = digestDeliveries(tenant, "rep-e").getFirst();
        assertThat(settled.getString("status")).isEqualTo("SUPPRESSED");
        assertThat(settled.getString("reason")).isEqualTo("NOTHING_TO_REPORT");

        // a task arriving later that day does not produce a late report for the settled day
        task(tenant, "rep-e", "Call back", morning.plus(Duration.ofHours(6)), null);
        awaitCopies(tenant, 1, 0);
        clock.setTo(morning.plus(Duration.ofHours(1)));
        digests.runOnce();
        // the next day it is overdue: that day's report is mailed
        clock.setTo(morning.plus(Duration.ofDays(1)));
        digests.runOnce();
        await().atMost(Duration.ofSeconds(30)).until(() -> reports(address).size() == 1);
        assertThat(content(reports(address).getFirst())).contains("Overdue: 1\n- Call back");
        assertThat(digestDeliveries(tenant, "rep-e")).hasSize(2);
    }

    @Test
    void weeklyReportsComeOnMondayMorningInEachRecipientsZoneOncePerWeekWithTwoInstancesRacing() {
        String tenant = unique("t");
        String rep = "wanda@" + tenant + ".test";
        String head = "heiko@" + tenant + ".test";
        team(
                tenant,
                "sales",
                List.of("head-h"),
                member("head-h", "Heiko", head, null, "en", "Asia/Tokyo"),
                member("rep-m", "Wanda", rep, null, "en", "Europe/Berlin"));
        onlyDigests(tenant, "WEEKLY", "head-h", "rep-m");
        LocalDate monday = LocalDate.now().plusDays(70).with(TemporalAdjusters.next(DayOfWeek.MONDAY));
        task(tenant, "Overdue call", at(monday.minusDays(2), 10, BERLIN), null);
        task(tenant, "Wednesday visit", at(monday.plusDays(2), 10, BERLIN), null);
        task(tenant, "Quote sent", at(monday.minusDays(4), 10, BERLIN), at(monday.minusDays(3), 10, BERLIN));
        awaitCopies(tenant, 3, 1);
        var second = secondInstance();

        // 08:30 on Monday in Tokyo is 00:30 in Berlin: the head's report is due, the rep's is not yet
        clock.setTo(at(monday, 8, TOKYO).plus(Duration.ofMinutes(30)));
        race(digests, second);
        await().atMost(Duration.ofSeconds(30)).until(() -> reports(head).size() == 1);
        assertThat(reports(rep)).isEmpty();

        // 08:30 in Berlin: the rep's report; both instances again, and a run later in the morning
        clock.setTo(at(monday, 8, BERLIN).plus(Duration.ofMinutes(30)));
        race(digests, second);
        clock.setTo(at(monday, 11, BERLIN));
        race(digests, second);
        await().atMost(Duration.ofSeconds(30)).until(() -> reports(rep).size() == 1);
        var repMail = reports(rep).getFirst();
        assertThat(subject(repMail)).isEqualTo("Weekly task report");
        assertThat(content(repMail))
                .contains("Overdue: 1\n- Overdue call")
                .contains("Due: 1\n- Wednesday visit")
                .contains("Done: 1\n- Quote sent");
        // the head's covers the team's tasks
        assertThat(subject(reports(head).getFirst())).isEqualTo("Weekly task report");
        assertThat(content(reports(head).getFirst())).contains("Due: 1\n- Wednesday visit");

        // later in the week nothing more; the next Monday the next report
        clock.setTo(at(monday.plusDays(3), 9, BERLIN));
        race(digests, second);
        clock.setTo(at(monday.plusWeeks(1), 9, BERLIN));
        race(digests, second);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> reports(rep).size() == 2 && reports(head).size() == 2);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> reports(rep).size() == 2 && reports(head).size() == 2);
        assertThat(digestDeliveries(tenant, "rep-m")).hasSize(2);
        assertThat(digestDeliveries(tenant, "head-h")).hasSize(2);
    }

    @Test
    void monthlyReportsComeOnTheFirstInEachRecipientsZoneOncePerMonthWithTwoInstancesRacing() {
        String tenant = unique("t");
        String rep = "nina@" + tenant + ".test";
        String head = "hana@" + tenant + ".test";
        team(
                tenant,
                "sales",
                List.of("head-h"),
                member("head-h", "Hana", head, null, "ru", "Asia/Tokyo"),
                member("rep-m", "Nina", rep, null, "en", "America/New_York"));
        onlyDigests(tenant, "MONTHLY", "head-h", "rep-m");
        LocalDate first = LocalDate.now().plusMonths(5).withDayOfMonth(1);
        task(tenant, "Contract renewal", at(first.plusDays(14), 12, NEW_YORK), null);
        awaitCopies(tenant, 1, 0);
        var second = secondInstance();

        // 08:30 on the 1st in Tokyo is still the last day of the previous month in New York
        clock.setTo(at(first, 8, TOKYO).plus(Duration.ofMinutes(30)));
        race(digests, second);
        await().atMost(Duration.ofSeconds(30)).until(() -> reports(head).size() == 1);
        assertThat(subject(reports(head).getFirst())).isEqualTo("Ежемесячный отчёт по задачам");
        assertThat(reports(rep)).isEmpty();

        clock.setTo(at(first, 8, NEW_YORK).plus(Duration.ofMinutes(30)));
        race(digests, second);
        await().atMost(Duration.ofSeconds(30)).until(() -> reports(rep).size() == 1);
        assertThat(subject(reports(rep).getFirst())).isEqualTo("Monthly task report");
        assertThat(content(reports(rep).getFirst())).contains("Due: 1\n- Contract renewal");

        // mid-month nothing; the next 1st (the task is overdue by then) the next report
        clock.setTo(at(first.plusDays(10), 9, NEW_YORK));
        race(digests, second);
        clock.setTo(at(first.plusMonths(1), 9, NEW_YORK));
        race(digests, second);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> reports(rep).size() == 2 && reports(head).size() == 2);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> reports(rep).size() == 2 && reports(head).size() == 2);
        assertThat(mailTo(rep).stream().map(DigestTest::content))
                .anySatisfy(body -> assertThat(body).contains("Overdue: 1\n- Contract renewal"));
    }

    @Autowired
    Directory directory;

    @Autowired
    PreferenceStore preferenceStore;

    @Autowired
    TaskCopies taskCopies;

    @Autowired
    Templates templates;

    @Autowired
    Deliveries deliveries;

    @Autowired
    NotificationsProperties properties;

    /** Another instance's scheduler: its own object, sharing only the database, as a second process would. */
    private DigestScheduler secondInstance() {
        return new DigestScheduler(
                directory, preferenceStore, taskCopies, templates, deliveries, mongo, clock, properties);
    }

    /** Both instances run at the same moment, three times over, each on its own thread. */
    private static void race(DigestScheduler one, DigestScheduler other) {
        try (var threads = Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < 3; round++) {
                var start = new CyclicBarrier(2);
                CompletableFuture.allOf(
                                CompletableFuture.runAsync(() -> runAfter(start, one), threads),
                                CompletableFuture.runAsync(() -> runAfter(start, other), threads))
                        .join();
            }
        }
    }

    private static void runAfter(CyclicBarrier start, DigestScheduler scheduler) {
        try {
            start.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        scheduler.runOnce();
    }

    private void onlyDigests(String tenant, String period, String... users) {
        for (String user : users) {
            var put = call("PUT", "/api/notifications/preferences", user(tenant, user), """
                    {"channels":{},"digests":["%s"]}""".formatted(period));
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        }
    }

    private void awaitCopies(String tenant, int tasks, int done) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mongo.count(new Query(where("tenantId").is(tenant)), TaskCopies.COLLECTION) == tasks
                        && mongo.count(
                                        new Query(where("tenantId")
                                                .is(tenant)
                                                .and("state")
                                                .is("DONE")),
                                        TaskCopies.COLLECTION)
                                == done);
    }

    private List<org.bson.Document> digestDeliveries(String tenant, String user) {
        return mongo.find(
                new Query(where("tenantId")
                        .is(tenant)
                        .and("topic")
                        .is("Digest")
                        .and("recipientId")
                        .is(user)),
                org.bson.Document.class,
                "deliveries");
    }

    private static Instant at(LocalDate date, int hour, ZoneId zone) {
        return date.atTime(LocalTime.of(hour, 0)).atZone(zone).toInstant();
    }

    /** The digests among the mail (the tasks themselves were announced by mail too). */
    private static List<jakarta.mail.internet.MimeMessage> reports(String address) {
        return mailTo(address).stream()
                .filter(m -> subject(m).endsWith("task report") || subject(m).endsWith("отчёт по задачам"))
                .toList();
    }

    private void task(String tenant, String title, Instant dueAt, Instant completedAt) {
        task(tenant, "rep-m", title, dueAt, completedAt);
    }

    private void task(String tenant, String assignee, String title, Instant dueAt, Instant completedAt) {
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
                assignee,
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
                    assignee,
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
