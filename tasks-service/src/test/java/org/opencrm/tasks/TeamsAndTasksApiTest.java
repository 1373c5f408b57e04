package org.opencrm.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencrm.testkit.jwt.TestJwts;

class TeamsAndTasksApiTest extends TasksIntegrationTest {

    @Test
    void aTeamEditPublishesTheWholeTeam() {
        String tenant = unique("t");
        String team = unique("sales");
        var saved = putTeam(tenant, team, "PT15M", "MANAGER", "anna", "boris");
        assertThat(saved.raw().headers().firstValue("ETag")).isPresent();

        try (var topic = tasksTopic()) {
            var updated = topic.await(event(tenant, "TeamUpdated", team), 1, Duration.ofSeconds(30));
            assertThat(field(updated.getFirst(), "$.members[*].userId").toString())
                    .contains("anna", "boris");
            assertThat(field(updated.getFirst(), "$.headUserIds[0]").toString()).isEqualTo("head-" + team);
        }
        var read = get("/api/teams/" + team, manager(tenant, "anna", team));
        assertThat(read.<String>json("$.reassignmentDelay")).isEqualTo("PT15M");
        assertThat(get("/api/teams/" + team, admin(unique("other-tenant"))).status())
                .isEqualTo(404);
    }

    @Test
    void onlyAnAdministratorOrTheDepartmentsHeadEditsATeam() {
        String tenant = unique("t");
        String team = unique("sales");
        String body = "{\"name\": \"Sales\", \"headUserIds\": [], \"members\": []}";
        assertThat(put("/api/teams/" + team, manager(tenant, "anna", team), body)
                        .status())
                .isEqualTo(403);
        String otherHead = TestJwts.user("h2")
                .tenant(tenant)
                .departments("elsewhere")
                .roles("HEAD")
                .mint();
        assertThat(put("/api/teams/" + team, otherHead, body).status()).isEqualTo(403);
        String head = TestJwts.user("h1")
                .tenant(tenant)
                .departments(team)
                .roles("HEAD")
                .mint();
        assertThat(put("/api/teams/" + team, head, body).status()).isEqualTo(200);
        var invalid = put(
                "/api/teams/" + team,
                head,
                "{\"name\": \"Sales\", \"headUserIds\": [], \"members\": [], \"timeZone\": \"Mars/Olympus\"}");
        assertThat(invalid.status()).isEqualTo(400);
    }

    @Test
    void aManagerSeesOwnTasksOnlyAndAnotherUsersTaskIsNotFound() {
        String tenant = unique("t");
        String anna = manager(tenant, "anna", "sales");
        String boris = manager(tenant, "boris", "sales");
        String own = createTask(tenant, anna, null, "sales", now().plus(Duration.ofHours(1)), null, null);

        assertThat(get("/api/tasks/" + own, anna).status()).isEqualTo(200);
        assertThat(get("/api/tasks/" + own, boris).status()).isEqualTo(404);
        assertThat(get("/api/tasks?assignee=me", boris).<List<?>>json("$.items"))
                .isEmpty();
        String head = TestJwts.user("h")
                .tenant(tenant)
                .departments("sales")
                .roles("HEAD")
                .mint();
        assertThat(get("/api/tasks/" + own, head).status()).isEqualTo(200);
        assertThat(get("/api/tasks/" + own, admin(unique("other"))).status()).isEqualTo(404);
    }

    @Test
    void theListFiltersByDueWindowAndPagesWithACursor() {
        String tenant = unique("t");
        String anna = manager(tenant, "anna", "sales");
        String overdue = createTask(tenant, anna, null, "sales", now().minus(Duration.ofHours(1)), null, null);
        for (int i = 1; i <= 5; i++) {
            createTask(tenant, anna, null, "sales", now().plus(Duration.ofDays(i)), null, null);
        }
        createTask(tenant, anna, null, "sales", now().plus(Duration.ofDays(30)), null, null);

        var late = get("/api/tasks?assignee=me&due=overdue", anna);
        assertThat(late.<List<String>>json("$.items[*].id")).containsExactly(overdue);
        assertThat(late.<Boolean>json("$.items[0].overdue")).isTrue();

        var seen = new HashSet<String>();
        String cursor = null;
        int pages = 0;
        do {
            var page = get(
                    "/api/tasks?assignee=me&status=OPEN&size=3" + (cursor == null ? "" : "&cursor=" + cursor), anna);
            assertThat(page.status()).isEqualTo(200);
            seen.addAll(page.<List<String>>json("$.items[*].id"));
            cursor = page.json("$.nextCursor");
            pages++;
        } while (cursor != null);
        assertThat(seen).hasSize(7);
        assertThat(pages).isEqualTo(3);
        assertThat(get("/api/tasks?due=someday", anna).status()).isEqualTo(400);
        assertThat(get("/api/tasks?size=1000", anna).status()).isEqualTo(400);
    }

    @Test
    void editingRequiresAFreshVersionAndHandingOnIsAReassignment() {
        String tenant = unique("t");
        String anna = manager(tenant, "anna", "sales");
        String task = createTask(tenant, anna, null, "sales", now().plus(Duration.ofHours(1)), null, null);

        var stale = call("PATCH", "/api/tasks/" + task, anna, "{\"title\": \"x\"}", Map.of("If-Match", "\"99\""));
        assertThat(stale.status()).isEqualTo(412);
        var injection = patch("/api/tasks/" + task, anna, "{\"title\": {\"$ne\": \"\"}}");
        assertThat(injection.status()).isEqualTo(400);
        var handedOn = patch("/api/tasks/" + task, anna, "{\"assigneeId\": \"boris\", \"priority\": \"HIGH\"}");
        assertThat(handedOn.status()).as(handedOn.body()).isEqualTo(200);
        try (var topic = tasksTopic()) {
            var reassigned = topic.await(event(tenant, "TaskReassigned", task), 1, Duration.ofSeconds(30));
            assertThat(field(reassigned.getFirst(), "$.reason").toString()).isEqualTo("MANUAL");
            topic.await(event(tenant, "TaskUpdated", task), 1, Duration.ofSeconds(30));
        }
    }

    @Test
    void anEditWithoutIfMatchIsAppliedToTheTaskABackgroundStepSavedMeanwhileAndWithIfMatchItIsAConflict() {
        String tenant = unique("t");
        String anna = manager(tenant, "anna", "sales");
        String task = createTask(tenant, anna, null, "sales", now().plus(Duration.ofHours(1)), null, null);
        String before = get("/api/tasks/" + task, anna)
                .raw()
                .headers()
                .firstValue("ETag")
                .orElseThrow();

        // the due scanner saves the task between the edit's read and its save
        BackgroundStepBetweenReadAndSave.arm(task);
        var edited = patch("/api/tasks/" + task, anna, "{\"title\": \"Call back after the demo\"}");

        assertThat(edited.status()).as(edited.body()).isEqualTo(200);
        assertThat(edited.<String>json("$.title")).isEqualTo("Call back after the demo");
        var read = get("/api/tasks/" + task, anna);
        assertThat(read.<String>json("$.title")).isEqualTo("Call back after the demo");
        assertThat(read.raw().headers().firstValue("ETag")).isNotEqualTo(before);

        // with If-Match the client named the version it saw: the background save makes it a conflict
        String current = read.raw().headers().firstValue("ETag").orElseThrow();
        BackgroundStepBetweenReadAndSave.arm(task);
        var conditional = call("PATCH", "/api/tasks/" + task, anna, "{\"title\": \"x\"}", Map.of("If-Match", current));
        assertThat(conditional.status()).as(conditional.body()).isEqualTo(409);
        assertThat(get("/api/tasks/" + task, anna).<String>json("$.title")).isEqualTo("Call back after the demo");
    }

    @Test
    void completingOrCancellingWithoutIfMatchIsAppliedToTheTaskABackgroundStepSavedMeanwhile() {
        String tenant = unique("t");
        String anna = manager(tenant, "anna", "sales");
        String done = createTask(tenant, anna, null, "sales", now().plus(Duration.ofHours(1)), null, null);
        String dropped = createTask(tenant, anna, null, "sales", now().plus(Duration.ofHours(1)), null, null);

        BackgroundStepBetweenReadAndSave.arm(done);
        var completed = post("/api/tasks/" + done + "/complete", anna, "{\"outcome\": \"DONE\"}");
        BackgroundStepBetweenReadAndSave.arm(dropped);
        var cancelled = post("/api/tasks/" + dropped + "/cancel", anna, "{\"reason\": \"NOT_NEEDED\"}");

        assertThat(completed.status()).as(completed.body()).isEqualTo(200);
        assertThat(get("/api/tasks/" + done, anna).<String>json("$.status")).isEqualTo("COMPLETED");
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        assertThat(get("/api/tasks/" + dropped, anna).<String>json("$.status")).isEqualTo("CANCELLED");
    }
}
