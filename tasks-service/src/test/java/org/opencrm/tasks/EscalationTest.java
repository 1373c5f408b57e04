package org.opencrm.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Overdue, due-soon and reassignment, with the clock moved instead of waited for. */
class EscalationTest extends TasksIntegrationTest {

    @Autowired
    MeterRegistry meters;

    private double count(String name) {
        return meters.get(name).counter().count();
    }

    @Test
    void aTaskPastDueIsReportedOverdueOnceAndAfterTheTeamsDelayGoesToTheLeastLoadedOtherMember() {
        String tenant = unique("t");
        String team = unique("sales");
        putTeam(tenant, team, "PT10M", "MANAGER", "anna", "boris", "clara");
        String admin = admin(tenant);
        double created = count("crm.tasks.created");
        double overdueCount = count("crm.tasks.overdue");
        double escalations = count("crm.tasks.escalations");
        // boris already has work; clara has none: clara is the least loaded other member.
        createTask(tenant, admin, "boris", team, now().plus(Duration.ofDays(3)), null, null);
        String task = createTask(tenant, admin, "anna", team, now().plus(Duration.ofMinutes(1)), null, null);

        try (var topic = tasksTopic()) {
            TestClock.INSTANCE.advance(Duration.ofMinutes(2));
            var overdue = topic.await(event(tenant, "TaskOverdue", task), 1, Duration.ofSeconds(30));
            assertThat(this.<String>value(overdue.getFirst(), "$.assigneeId")).isEqualTo("anna");
            // Tasks of earlier tests the moved clock makes overdue count too: at least this one.
            assertThat(count("crm.tasks.created")).isGreaterThanOrEqualTo(created + 2);
            await().untilAsserted(
                            () -> assertThat(count("crm.tasks.overdue")).isGreaterThanOrEqualTo(overdueCount + 1));
            assertThat(this.<String>value(overdue.getFirst(), "$.departmentId")).isEqualTo(team);
            assertThat(settle(topic, event(tenant, "TaskOverdue", task))).hasSize(1);
            assertThat(topic.drain(event(tenant, "TaskReassigned", task), Duration.ofMillis(500)))
                    .as("not before the team's delay")
                    .isEmpty();

            TestClock.INSTANCE.advance(Duration.ofMinutes(10));
            var reassigned = topic.await(event(tenant, "TaskReassigned", task), 1, Duration.ofSeconds(30));
            assertThat(this.<String>value(reassigned.getFirst(), "$.fromAssigneeId"))
                    .isEqualTo("anna");
            assertThat(this.<String>value(reassigned.getFirst(), "$.toAssigneeId"))
                    .isEqualTo("clara");
            assertThat(this.<String>value(reassigned.getFirst(), "$.reason")).isEqualTo("OVERDUE_ESCALATION");
            await().untilAsserted(
                            () -> assertThat(count("crm.tasks.escalations")).isGreaterThanOrEqualTo(escalations + 1));

            TestClock.INSTANCE.advance(Duration.ofMinutes(30));
            assertThat(settle(topic, event(tenant, "TaskReassigned", task))).hasSize(1);
            assertThat(settle(topic, event(tenant, "TaskOverdue", task))).hasSize(1);
        }
        assertThat(get("/api/tasks/" + task, admin).<String>json("$.assigneeId"))
                .isEqualTo("clara");
        assertThat(get("/api/tasks/" + task, admin).<Boolean>json("$.overdue")).isTrue();
    }

    @Test
    void aTaskCompletedInTimeIsNeverEscalated() {
        String tenant = unique("t");
        String team = unique("sales");
        putTeam(tenant, team, "PT10M", "MANAGER", "anna", "boris");
        String token = manager(tenant, "anna", team);
        String task = createTask(tenant, token, "anna", team, now().plus(Duration.ofMinutes(1)), null, null);
        double completed = count("crm.tasks.completed");
        assertThat(post("/api/tasks/" + task + "/complete", token, "{\"outcome\": \"DONE\"}")
                        .status())
                .isEqualTo(200);
        assertThat(post("/api/tasks/" + task + "/complete", token, "{\"outcome\": \"DONE\"}")
                        .status())
                .as("completing it again is refused")
                .isNotEqualTo(200);
        assertThat(count("crm.tasks.completed")).isEqualTo(completed + 1);

        try (var topic = tasksTopic()) {
            TestClock.INSTANCE.advance(Duration.ofMinutes(20));
            assertThat(settle(topic, event(tenant, "TaskOverdue", task))).isEmpty();
            assertThat(settle(topic, event(tenant, "TaskReassigned", task))).isEmpty();
        }
    }

    @Test
    void aReminderFiresOnceShortlyBeforeDueAndAgainWhenTheDueTimeMoves() {
        String tenant = unique("t");
        String token = manager(tenant, "anna", "sales");
        String task = createTask(tenant, token, "anna", "sales", now().plus(Duration.ofMinutes(20)), null, null);

        try (var topic = tasksTopic()) {
            assertThat(topic.drain(event(tenant, "TaskDueSoon", task), Duration.ofMillis(600)))
                    .isEmpty();
            TestClock.INSTANCE.advance(Duration.ofMinutes(6));
            topic.await(event(tenant, "TaskDueSoon", task), 1, Duration.ofSeconds(30));
            assertThat(settle(topic, event(tenant, "TaskDueSoon", task))).hasSize(1);

            var moved = patch(
                    "/api/tasks/" + task, token, "{\"dueAt\": \"%s\"}".formatted(now().plus(Duration.ofMinutes(5))));
            assertThat(moved.status()).as(moved.body()).isEqualTo(200);
            topic.await(event(tenant, "TaskDueSoon", task), 2, Duration.ofSeconds(30));
            topic.await(event(tenant, "TaskUpdated", task), 1, Duration.ofSeconds(30));
        }
    }

    @Test
    void tasksOfAMemberMarkedAbsentGoToAnotherActiveMember() {
        String tenant = unique("t");
        String team = unique("sales");
        putTeam(tenant, team, "PT10M", "MANAGER", "anna", "boris");
        String admin = admin(tenant);
        String task = createTask(tenant, admin, "anna", team, now().plus(Duration.ofDays(2)), null, null);
        LocalDate until = now().atZone(ZoneId.of("Europe/Berlin")).toLocalDate().plusDays(7);

        var absent = put("/api/teams/" + team, admin, """
                {"name": "Sales", "headUserIds": ["head"], "timeZone": "Europe/Berlin", "members": [
                  {"userId": "anna", "roles": ["MANAGER"], "absentUntil": "%s"},
                  {"userId": "boris", "roles": ["MANAGER"]}]}
                """.formatted(until));
        assertThat(absent.status()).as(absent.body()).isEqualTo(200);

        try (var topic = tasksTopic()) {
            var reassigned = topic.await(event(tenant, "TaskReassigned", task), 1, Duration.ofSeconds(30));
            assertThat(this.<String>value(reassigned.getFirst(), "$.toAssigneeId"))
                    .isEqualTo("boris");
            assertThat(this.<String>value(reassigned.getFirst(), "$.reason")).isEqualTo("ASSIGNEE_ABSENT");
        }
        await().atMost(Duration.ofSeconds(15))
                .until(() -> "boris".equals(get("/api/tasks/" + task, admin).json("$.assigneeId")));
    }

    private <T> T value(org.apache.kafka.clients.consumer.ConsumerRecord<String, String> record, String path) {
        return field(record, path);
    }
}
