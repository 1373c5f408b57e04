package org.opencrm.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.notifications.delivery.Delivery;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.data.mongodb.core.query.Query;

/**
 * Issue #12 item 5 on notifications-service: a second instance on the same database, broker and consumer group
 * (and the same SMTP server) runs next to the test's own while a stream of 40 new tasks arrives, every fifth event
 * twice: each task's notice is planned, stored and e-mailed exactly once (e2e's ScaleOutTest does the same in the
 * local run).
 */
class TwoInstancesTest extends NotificationsTestBase {

    private static ConfigurableApplicationContext second;

    @Autowired
    Environment environment;

    @AfterAll
    static void stopSecondInstance() {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void twoInstancesSendEveryTaskNoticeExactlyOnce() {
        startSecondInstance();
        String tenant = unique("t");
        List<String> people = List.of("ann", "bob", "cid", "dan");
        team(
                tenant,
                "sales",
                List.of(),
                people.stream()
                        .map(p -> member(p, p, p + "@" + tenant + ".test", null, "en", "UTC"))
                        .toArray(org.opencrm.events.teams.TeamMember[]::new));
        int tasks = 40;
        var events = new ArrayList<org.opencrm.events.CrmEvent>();
        for (int i = 0; i < tasks; i++) {
            String assignee = people.get(i % people.size());
            Instant due = Instant.now().plus(1, ChronoUnit.DAYS);
            events.add(new TaskCreated(
                    UUID.randomUUID().toString(),
                    tenant,
                    "task-" + i,
                    1,
                    Instant.now(),
                    system(),
                    "Call " + i,
                    "CALL",
                    assignee,
                    "sales",
                    due,
                    "NORMAL",
                    null,
                    null,
                    null,
                    null));
        }
        int notices = events.size();
        // every fifth event twice, as a producer retry or a replay would send it
        for (int i = 0; i < events.size(); i++) {
            publish(events.get(i));
            if (i % 5 == 0) {
                publish(events.get(i));
            }
        }

        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> people.stream()
                                .mapToInt(
                                        p -> mailTo(p + "@" + tenant + ".test").size())
                                .sum()
                        >= notices);
        // and nothing more arrives afterwards
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);

        Map<String, Integer> mails = new HashMap<>();
        people.forEach(p -> mails.put(p, mailTo(p + "@" + tenant + ".test").size()));
        assertThat(mails.values().stream().mapToInt(Integer::intValue).sum())
                .as("e-mails")
                .isEqualTo(notices);
        assertThat(mails).allSatisfy((person, count) -> assertThat(count).isEqualTo(notices / people.size()));
        var emailDeliveries = mongo.count(
                new Query(where("tenantId").is(tenant).and("channel").is("EMAIL")), Delivery.COLLECTION);
        assertThat(emailDeliveries).as("e-mail deliveries stored").isEqualTo(notices);
        var inApp = mongo.count(new Query(where("tenantId").is(tenant)), "inapp_notifications");
        assertThat(inApp).as("in-app notifications").isEqualTo(notices);
        System.out.println(
                "[reliability] notifications-service two instances: " + (events.size() + (events.size() + 4) / 5)
                        + " records (" + notices + " distinct events), " + notices + " e-mails, " + inApp
                        + " in-app notifications, 0 duplicated, 0 lost");
    }

    private void startSecondInstance() {
        if (second != null) {
            return;
        }
        Map<String, Object> properties = new HashMap<>(TestJwts.springProperties());
        properties.put("server.port", "0");
        for (String name : List.of(
                "spring.mongodb.uri",
                "spring.kafka.bootstrap-servers",
                "spring.mail.host",
                "spring.mail.port",
                "crm.notifications.sms.url",
                "crm.notifications.clients.contacts-url",
                "crm.notifications.clients.unsubscribe-secret",
                "crm.notifications.dispatch.poll-interval",
                "crm.notifications.digest.interval",
                "crm.notifications.birthdays.interval",
                "crm.notifications.birthdays.client-secret",
                "crm.notifications.birthdays.token-uri")) {
            if (environment.getProperty(name) != null) {
                properties.put(name, environment.getProperty(name));
            }
        }
        // As command-line arguments, so they outrank application.yml like the test context's properties do.
        String[] args = properties.entrySet().stream()
                .map(p -> "--" + p.getKey() + "=" + p.getValue())
                .toArray(String[]::new);
        second = new SpringApplicationBuilder(NotificationsApplication.class).run(args);
    }
}
