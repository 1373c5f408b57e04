package org.opencrm.tasks;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.opencrm.testkit.UseTestInfrastructure;
import org.opencrm.testkit.security.SecurityFixture;
import org.opencrm.testkit.security.ServiceSecurityTest;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The security suite (docs/reliability.md) on tasks-service: a task of department d1 assigned to another user,
 * the team of d1 and an automation rule.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseTestInfrastructure
class TasksSecurityTest extends ServiceSecurityTest {

    @Override
    protected void seed(SecurityFixture fixture) {
        String admin = tokenA(D1, "ADMIN");
        String secret = "zzsecret-" + tenantA;
        call("PUT", "/api/teams/" + D1, admin, """
                {"name": "%s-team", "headUserIds": ["head-d1"], "timeZone": "Europe/Berlin",
                 "members": [{"userId": "%s", "roles": ["MANAGER"]}]}""".formatted(secret, OWNER));
        String taskId = read(
                call("POST", "/api/tasks", admin, """
                {"title": "%s-task", "type": "CALL", "assigneeId": "%s", "departmentId": "%s", "dueAt": "%s"}
                """.formatted(
                                secret, OWNER, D1, Instant.now().plus(2, ChronoUnit.DAYS))),
                "id");
        String ruleId = read(call("POST", "/api/automation-rules", admin, """
                {"name": "%s-rule", "trigger": "DealWon", "createTask": {"titleTemplate": "Thank them", "type": "CALL",
                  "assignee": {"mode": "DEAL_OWNER"}, "dueIn": "PT1H"}}""".formatted(secret)), "id");
        fixture.record("task", taskId, OWNER, D1, secret + "-task")
                .tenantWide("rule", ruleId, secret + "-rule")
                .tenantWideNamed("team", D1, secret + "-team")
                .param("/api/tasks/", "id", "task")
                .param("/api/automation-rules/", "id", "rule")
                .param("departmentId", "team")
                .literal("/public/calendar/", "token", "not-a-feed-token")
                .publicOperation("GET /public/calendar/{token}.ics", "the feed URL carries its own secret");
    }
}
