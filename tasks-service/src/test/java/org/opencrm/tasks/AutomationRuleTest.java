package org.opencrm.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AutomationRuleTest extends TasksIntegrationTest {

    private String measurementRule(String tenant, String team) {
        var response = post("/api/automation-rules", admin(tenant), """
                {"name": "Measure on site", "trigger": "DealStageChanged",
                 "conditions": {"pipelineId": "pipeline-windows", "toStage": "measurement"},
                 "createTask": {"titleTemplate": "Measure on site: {deal.title}", "type": "MEASUREMENT",
                   "assignee": {"mode": "TEAM_ROLE", "teamId": "%s", "role": "MEASURER"}, "dueIn": "P1D"}}
                """.formatted(team));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json("$.id");
    }

    @Test
    void aDealEnteringMeasurementGetsExactlyOneMeasurementTaskPerStageChangeEvenWhenTheEventArrivesTwice() {
        String tenant = unique("t");
        String measurers = unique("measurers");
        putTeam(tenant, measurers, "PT30M", "MEASURER", "measurer-a", "measurer-b");
        String rule = measurementRule(tenant, measurers);
        String deal = unique("deal");
        send(dealCreated(tenant, deal, "manager-1", "sales"));
        var entered = stageChanged(tenant, deal, 2, "first-call", "measurement", "OPEN", "manager-1", "sales");
        Instant before = now();

        send(entered);
        send(entered);

        String admin = admin(tenant);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("/api/tasks?dealId=" + deal, admin)
                                .<List<?>>json("$.items")
                                .size()
                        == 1);
        try (var topic = tasksTopic()) {
            var created = settle(topic, event(tenant, "TaskCreated"));
            assertThat(created).hasSize(1);
            assertThat(header(created.getFirst(), "ce_subject")).isNotBlank();
            assertThat(this.<String>fieldOf(created.getFirst(), "$.ruleId")).isEqualTo(rule);
            assertThat(this.<String>fieldOf(created.getFirst(), "$.sourceEventId"))
                    .isEqualTo(entered.eventId());
        }
        var tasks = get("/api/tasks?dealId=" + deal, admin);
        assertThat(tasks.<String>json("$.items[0].type")).isEqualTo("MEASUREMENT");
        assertThat(tasks.<String>json("$.items[0].title")).isEqualTo("Measure on site: Windows for the Smiths");
        assertThat(tasks.<String>json("$.items[0].departmentId")).isEqualTo(measurers);
        String firstMeasurer = tasks.json("$.items[0].assigneeId");
        assertThat(firstMeasurer).isIn("measurer-a", "measurer-b");
        Instant due = Instant.parse(tasks.json("$.items[0].dueAt"));
        assertThat(due).isBetween(before.plus(Duration.ofDays(1)), now().plus(Duration.ofDays(1)));

        // The deal leaves and enters Measurement again: a new stage change, a new task, the other measurer's turn.
        send(stageChanged(tenant, deal, 3, "measurement", "approval", "OPEN", "manager-1", "sales"));
        send(stageChanged(tenant, deal, 4, "approval", "measurement", "OPEN", "manager-1", "sales"));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("/api/tasks?dealId=" + deal, admin)
                                .<List<?>>json("$.items")
                                .size()
                        == 2);
        List<String> assignees = get("/api/tasks?dealId=" + deal, admin).json("$.items[*].assigneeId");
        assertThat(assignees).containsExactlyInAnyOrder("measurer-a", "measurer-b");
    }

    @Test
    void aRuleWhoseConditionsDoNotHoldCreatesNothing() {
        String tenant = unique("t");
        String measurers = unique("measurers");
        putTeam(tenant, measurers, "PT30M", "MEASURER", "measurer-a");
        measurementRule(tenant, measurers);
        String deal = unique("deal");
        var toApproval = stageChanged(tenant, deal, 2, "first-call", "approval", "OPEN", "manager-1", "sales");
        send(toApproval);
        var toMeasurement = stageChanged(tenant, deal, 3, "approval", "measurement", "OPEN", "manager-1", "sales");
        send(toMeasurement);

        // One deal's events share a key, so a partition and its listener thread, and are handled in order: once
        // the second event's task exists the first was seen, and it created nothing.
        String admin = admin(tenant);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("/api/tasks?dealId=" + deal, admin)
                                .<List<?>>json("$.items")
                                .size()
                        == 1);
        try (var topic = tasksTopic()) {
            var created = settle(topic, event(tenant, "TaskCreated"));
            assertThat(created).hasSize(1);
            assertThat(this.<String>fieldOf(created.getFirst(), "$.sourceEventId"))
                    .isEqualTo(toMeasurement.eventId());
        }
    }

    @Test
    void aRuleChangedThroughTheApiAppliesFromTheNextEvent() {
        String tenant = unique("t");
        String rule = post("/api/automation-rules", admin(tenant), ownerRule("measurement"))
                .json("$.id");
        String deal = unique("deal");
        var first = stageChanged(tenant, deal, 2, "first-call", "measurement", "OPEN", "manager-1", "sales");
        send(first);
        String admin = admin(tenant);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("/api/tasks?dealId=" + deal, admin)
                                .<List<?>>json("$.items")
                                .size()
                        == 1);

        // The rule now fires on Approval instead (the engine keeps the rules it read: the change must reach it).
        var replaced = put("/api/automation-rules/" + rule, admin, ownerRule("approval"));
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
        var again = stageChanged(tenant, deal, 3, "measurement", "first-call", "OPEN", "manager-1", "sales");
        var back = stageChanged(tenant, deal, 4, "first-call", "measurement", "OPEN", "manager-1", "sales");
        var approval = stageChanged(tenant, deal, 5, "measurement", "approval", "OPEN", "manager-1", "sales");
        send(again);
        send(back);
        send(approval);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("/api/tasks?dealId=" + deal, admin)
                                .<List<?>>json("$.items")
                                .size()
                        == 2);
        try (var topic = tasksTopic()) {
            var created = settle(topic, event(tenant, "TaskCreated"));
            assertThat(created.stream()
                            .map(r -> this.<String>fieldOf(r, "$.sourceEventId"))
                            .toList())
                    .as("the old condition no longer fires (back in Measurement), the new one does")
                    .containsExactlyInAnyOrder(first.eventId(), approval.eventId());
        }
    }

    private static String ownerRule(String stage) {
        return """
                {"name": "Follow up", "trigger": "DealStageChanged", "conditions": {"toStage": "%s"},
                 "createTask": {"titleTemplate": "Follow up {deal.title}", "type": "CALL",
                   "assignee": {"mode": "DEAL_OWNER"}, "dueIn": "P1D"}}
                """.formatted(stage);
    }

    @Test
    void onlyAdministratorsWriteRulesAndInvalidOnesAreRefused() {
        String tenant = unique("t");
        var byManager = post("/api/automation-rules", manager(tenant, "m1", "d1"), """
                {"name": "x", "trigger": "DealWon", "createTask": {"titleTemplate": "x", "type": "CALL",
                  "assignee": {"mode": "DEAL_OWNER"}, "dueIn": "PT1H"}}
                """);
        assertThat(byManager.status()).isEqualTo(403);
        var invalid = post("/api/automation-rules", admin(tenant), """
                {"name": "x", "trigger": "DealWon", "createTask": {"titleTemplate": "x", "type": "CALL",
                  "assignee": {"mode": "TEAM_ROLE"}, "dueIn": "tomorrow"}}
                """);
        assertThat(invalid.status()).isEqualTo(400);
        List<String> fields = invalid.json("$.errors[*].field");
        assertThat(fields).contains("createTask.dueIn");
    }

    @Test
    void aNotifyRuleEmitsExactlyOneNotificationRequestPerTriggerEventEvenWhenTheEventArrivesTwice() {
        String tenant = unique("t");
        String measurers = unique("measurers");
        var created = post("/api/automation-rules", admin(tenant), """
                {"name": "Tell the head", "trigger": "DealStageChanged",
                 "conditions": {"pipelineId": "pipeline-windows"},
                 "notifyPeople": {"recipients": [{"kind": "TEAM_HEAD", "teamId": "%s"}, {"kind": "DEAL_OWNER"}],
                   "message": "{deal.title} needs a measurer ({deal.amount})"}}
                """.formatted(measurers));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String rule = created.json("$.id");
        assertThat(created.<List<?>>json("$.notifyPeople.recipients")).hasSize(2);
        String deal = unique("deal");
        send(dealCreated(tenant, deal, "manager-1", "sales"));
        var entered = stageChanged(tenant, deal, 2, "first-call", "measurement", "OPEN", "manager-1", "sales");

        var next = stageChanged(tenant, deal, 3, "measurement", "approval", "OPEN", "manager-1", "sales");

        try (var topic = tasksTopic()) {
            send(entered);
            send(entered);
            // The deal's next event fires the rule too; the deal's events are handled in order, so once its
            // request is published the second delivery of the first has been handled.
            send(next);
            topic.await(event(tenant, "RuleNotificationRequested"), 2, Duration.ofSeconds(20));
            var all = settle(topic, event(tenant, "RuleNotificationRequested"));
            List<String> triggers = all.stream()
                    .map(r -> this.<String>fieldOf(r, "$.triggerEventId"))
                    .toList();
            assertThat(triggers).containsExactlyInAnyOrder(entered.eventId(), next.eventId());
            var requested = all.stream()
                    .filter(r -> entered.eventId().equals(this.<String>fieldOf(r, "$.triggerEventId")))
                    .findFirst()
                    .orElseThrow();

            assertThat(this.<String>fieldOf(requested, "$.ruleId")).isEqualTo(rule);
            assertThat(this.<String>fieldOf(requested, "$.ruleName")).isEqualTo("Tell the head");
            assertThat(this.<String>fieldOf(requested, "$.triggerEventId")).isEqualTo(entered.eventId());
            assertThat(this.<String>fieldOf(requested, "$.triggerEventType"))
                    .isEqualTo("crm.deals.DealStageChanged.v1");
            assertThat(this.<String>fieldOf(requested, "$.dealId")).isEqualTo(deal);
            assertThat(this.<String>fieldOf(requested, "$.departmentId")).isEqualTo("sales");
            assertThat(this.<String>fieldOf(requested, "$.message"))
                    .isEqualTo("Windows for the Smiths needs a measurer (1200.00 EUR)");
            assertThat(this.<String>fieldOf(requested, "$.recipients[0].kind")).isEqualTo("TEAM_HEAD");
            assertThat(this.<String>fieldOf(requested, "$.recipients[0].teamId"))
                    .isEqualTo(measurers);
            assertThat(this.<String>fieldOf(requested, "$.recipients[1].kind")).isEqualTo("DEAL_OWNER");
            assertThat(this.<String>fieldOf(requested, "$.recipients[1].userId"))
                    .isEqualTo("manager-1");
        }
        // A notify-only rule creates no task.
        assertThat(get("/api/tasks?dealId=" + deal, admin(tenant)).<List<?>>json("$.items"))
                .isEmpty();
    }

    @Test
    void aRuleNeedsAnActionAndAUserRecipientNeedsItsUser() {
        String tenant = unique("t");
        var none = post("/api/automation-rules", admin(tenant), """
                {"name": "x", "trigger": "DealWon"}
                """);
        assertThat(none.status()).isEqualTo(400);
        var noUser = post("/api/automation-rules", admin(tenant), """
                {"name": "x", "trigger": "DealWon", "notifyPeople": {"recipients": [{"kind": "USER"}]}}
                """);
        assertThat(noUser.status()).isEqualTo(400);
        List<String> fields = noUser.json("$.errors[*].field");
        assertThat(fields).contains("notifyPeople.recipients[0].userId");
    }

    private <T> T fieldOf(org.apache.kafka.clients.consumer.ConsumerRecord<String, String> record, String path) {
        return field(record, path);
    }
}
