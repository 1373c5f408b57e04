package org.opencrm.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * A second tasks-service instance on the same database and broker (and the same consumer group) runs next
 * to the test's own: each escalation and each rule's task must still happen once.
 */
class TwoInstancesTest extends TasksIntegrationTest {

    private static ConfigurableApplicationContext second;

    @Autowired
    Environment environment;

    @BeforeAll
    static void noSecondYet() {
        second = null;
    }

    private void startSecondInstance() {
        if (second != null) {
            return;
        }
        Map<String, Object> properties = new java.util.HashMap<>(TestJwts.springProperties());
        properties.put("server.port", "0");
        properties.put("spring.mongodb.uri", environment.getProperty("spring.mongodb.uri"));
        properties.put("spring.kafka.bootstrap-servers", environment.getProperty("spring.kafka.bootstrap-servers"));
        properties.put("crm.tasks.sla.scan-interval", "200ms");
        properties.put("crm.tasks.deals-url", "http://127.0.0.1:" + DEALS.port());
        // As command-line arguments, so they outrank application.yml like the test context's properties do.
        String[] args = properties.entrySet().stream()
                .map(p -> "--" + p.getKey() + "=" + p.getValue())
                .toArray(String[]::new);
        second = new SpringApplicationBuilder(TasksApplication.class, TestClockConfiguration.class).run(args);
    }

    @AfterAll
    static void stopSecondInstance() {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void twoRunningInstancesEscalateEveryTaskExactlyOnce() {
        startSecondInstance();
        String tenant = unique("t");
        String team = unique("sales");
        putTeam(tenant, team, "PT5M", "MANAGER", "anna", "boris", "clara", "dmitri");
        String admin = admin(tenant);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(createTask(tenant, admin, "anna", team, now().plus(Duration.ofSeconds(30)), null, null));
        }

        try (var topic = tasksTopic()) {
            TestClock.INSTANCE.advance(Duration.ofMinutes(1));
            topic.await(event(tenant, "TaskOverdue"), ids.size(), Duration.ofSeconds(20));
            TestClock.INSTANCE.advance(Duration.ofMinutes(6));
            topic.await(event(tenant, "TaskReassigned"), ids.size(), Duration.ofSeconds(20));

            var overdue = settle(topic, event(tenant, "TaskOverdue"));
            var reassigned = settle(topic, event(tenant, "TaskReassigned"));
            assertThat(keys(overdue)).hasSize(ids.size()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(keys(reassigned)).hasSize(ids.size()).containsExactlyInAnyOrderElementsOf(ids);
            // Least loaded first spreads the twelve over the three others.
            List<String> receivers = reassigned.stream()
                    .map(r -> (String) field(r, "$.toAssigneeId"))
                    .toList();
            assertThat(receivers).doesNotContain("anna");
            assertThat(new HashSet<>(receivers)).containsExactlyInAnyOrder("boris", "clara", "dmitri");
        }
    }

    @Test
    void twoRunningInstancesCreateOneTaskPerRuleAndEvent() {
        startSecondInstance();
        String tenant = unique("t");
        String team = unique("measurers");
        putTeam(tenant, team, "PT30M", "MEASURER", "measurer-a");
        var rule = post("/api/automation-rules", admin(tenant), """
                {"name": "Call the new lead", "trigger": "DealCreated",
                 "createTask": {"titleTemplate": "Call back: {deal.title}", "type": "CALL",
                   "assignee": {"mode": "DEAL_OWNER"}, "dueIn": "PT15M"}}
                """);
        assertThat(rule.status()).as(rule.body()).isEqualTo(201);
        List<String> deals = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String deal = unique("deal");
            deals.add(deal);
            var created = dealCreated(tenant, deal, "manager-" + i, team);
            send(created);
            send(created);
        }

        String admin = admin(tenant);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> deals.stream()
                        .allMatch(d -> get("/api/tasks?dealId=" + d, admin)
                                        .<List<?>>json("$.items")
                                        .size()
                                == 1));
        try (var topic = tasksTopic()) {
            assertThat(settle(topic, event(tenant, "TaskCreated"))).hasSize(deals.size());
        }
    }

    private static List<String> keys(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::key).toList();
    }
}
