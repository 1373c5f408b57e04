package org.opencrm.deals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Actor;
import org.opencrm.events.tasks.ReassignmentReason;
import org.opencrm.events.tasks.TaskCancelled;
import org.opencrm.events.tasks.TaskCompleted;
import org.opencrm.events.tasks.TaskCreated;
import org.opencrm.events.tasks.TaskReassigned;
import org.opencrm.events.tasks.TaskUpdated;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

/**
 * The measurer of a sales deal: a field-service OPERATOR who holds a task on someone else's deal may see
 * it, attach to it and move its stage, and nothing more; the access follows the task.
 */
class TaskHolderAccessTest extends DealsTestSupport {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3};
    private static final Actor HEAD = Actor.user("head-fs");

    @Autowired
    MongoTemplate mongo;

    static String operator(String tenant, String user) {
        return TestJwts.user(user)
                .tenant(tenant)
                .departments("field-service")
                .roles("OPERATOR")
                .mint();
    }

    static TaskCreated taskCreated(String tenant, String taskId, String dealId, String assigneeId) {
        return new TaskCreated(
                UUID.randomUUID().toString(),
                tenant,
                taskId,
                1,
                Instant.now(),
                HEAD,
                "Measure the kitchen",
                "MEASUREMENT",
                assigneeId,
                "field-service",
                Instant.now().plus(Duration.ofDays(2)),
                "NORMAL",
                dealId,
                null,
                null,
                null);
    }

    @Test
    void anOperatorWithATaskOnTheDealSeesItAttachesAndMovesItsStageButEditsNothingElse() throws Exception {
        String tenant = newTenant();
        String sales = manager(tenant, "m1", "sales");
        String dealId =
                createDeal(sales, "{\"title\": \"Kitchen\", \"amount\": {\"amount\": 1000, \"currency\": \"EUR\"}}");
        String pipelineId = read(get("/api/deals/" + dealId, sales), "$.pipelineId");
        String measurer = operator(tenant, "fs1");
        String colleague = operator(tenant, "fs2");

        assertThat(get("/api/deals/" + dealId, measurer).statusCode()).isEqualTo(404);
        assertThat(upload(dealId, measurer, "plan.png", "image/png", PNG).statusCode())
                .isEqualTo(404);
        String etagBefore = etag(get("/api/deals/" + dealId, sales));

        publish(taskCreated(tenant, "task-" + UUID.randomUUID(), dealId, "fs1"));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> get("/api/deals/" + dealId, measurer).statusCode() == 200);
        var seen = get("/api/deals/" + dealId, measurer);
        // The task changed who may see the deal, not the deal: its ETag is the one the seller holds.
        assertThat(etag(seen)).isEqualTo(etagBefore);
        assertThat(ids(get("/api/deals", measurer))).containsExactly(dealId);
        var board = get("/api/pipelines/" + pipelineId + "/board", measurer);
        assertThat(read(board, "$.stages[0].count").toString()).isEqualTo("1");
        assertThat(get("/api/deals/" + dealId + "/history", measurer).statusCode())
                .isEqualTo(200);

        var attached = upload(dealId, measurer, "measurements.png", "image/png", PNG);
        assertThat(attached.statusCode()).as(attached.body()).isEqualTo(201);
        assertThat(get("/api/deals/" + dealId + "/attachments", measurer).body())
                .contains("measurements.png");
        var moved = send("POST", "/api/deals/" + dealId + "/stage", measurer, """
                {"stage": "proposal", "comment": "Measured"}
                """, etag(seen));
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        assertThat(read(moved, "$.stage").toString()).isEqualTo("proposal");

        // Nothing else an operator could not do on a deal of their own, and nothing for a colleague without the task.
        var edit = send("PATCH", "/api/deals/" + dealId, measurer, "{\"title\": \"Mine now\"}", etag(moved));
        assertThat(edit.statusCode()).isEqualTo(403);
        assertThat(read(get("/api/deals/" + dealId, sales), "$.title").toString())
                .isEqualTo("Kitchen");
        assertThat(get("/api/deals/" + dealId, colleague).statusCode()).isEqualTo(404);
        assertThat(upload(dealId, colleague, "x.png", "image/png", PNG).statusCode())
                .isEqualTo(404);
        assertThat(ids(get("/api/deals", colleague))).isEmpty();
    }

    @Test
    void theAccessFollowsTheTaskAndRedeliveredEventsChangeNothing() {
        String tenant = newTenant();
        String sales = manager(tenant, "m1", "sales");
        String kitchen = createDeal(sales, "{\"title\": \"Kitchen\"}");
        String loft = createDeal(sales, "{\"title\": \"Loft\"}");
        String first = operator(tenant, "fs1");
        String second = operator(tenant, "fs2");
        String taskId = "task-" + UUID.randomUUID();
        var created = taskCreated(tenant, taskId, kitchen, "fs1");

        publish(created);
        publish(created);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> get("/api/deals/" + kitchen, first).statusCode() == 200);

        publish(new TaskReassigned(
                UUID.randomUUID().toString(),
                tenant,
                taskId,
                2,
                Instant.now(),
                HEAD,
                "fs1",
                "fs2",
                "field-service",
                ReassignmentReason.ASSIGNEE_ABSENT,
                "Measure the kitchen",
                null,
                kitchen,
                null));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> get("/api/deals/" + kitchen, second).statusCode() == 200);
        assertThat(get("/api/deals/" + kitchen, first).statusCode()).isEqualTo(404);

        // The creation arrives once more, after the reassignment: it must not give the task back to fs1.
        publish(created);
        // Then the task is linked to another deal; the same task's events are read in order, so once this
        // shows, the redelivery above has been read too.
        publish(new TaskUpdated(
                UUID.randomUUID().toString(),
                tenant,
                taskId,
                3,
                Instant.now(),
                HEAD,
                java.util.List.of("dealId"),
                "Measure the loft",
                "MEASUREMENT",
                null,
                "NORMAL",
                loft,
                null));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> get("/api/deals/" + loft, second).statusCode() == 200);
        assertThat(get("/api/deals/" + kitchen, second).statusCode()).isEqualTo(404);
        assertThat(get("/api/deals/" + kitchen, first).statusCode()).isEqualTo(404);
        assertThat(get("/api/deals/" + loft, first).statusCode()).isEqualTo(404);

        // Done work keeps the access (the measurements are attached after the visit); a cancelled task ends it.
        publish(new TaskCompleted(
                UUID.randomUUID().toString(),
                tenant,
                taskId,
                4,
                Instant.now(),
                Actor.user("fs2"),
                "MEASUREMENT",
                "fs2",
                "field-service",
                null,
                "MEASURED",
                loft,
                null,
                null,
                false));
        publish(new TaskCancelled(
                UUID.randomUUID().toString(),
                tenant,
                taskId,
                5,
                Instant.now(),
                HEAD,
                "MANUAL",
                "fs2",
                "field-service",
                loft,
                null));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> get("/api/deals/" + loft, second).statusCode() == 404);
        assertThat(ids(get("/api/deals", second))).isEmpty();
    }

    @Test
    void aTaskOfAnotherTenantOnADealIdGrantsNothing() throws Exception {
        String tenant = newTenant();
        String dealId = createDeal(manager(tenant, "m1", "sales"), "{\"title\": \"Kitchen\"}");
        String otherTenant = newTenant();
        String intruder = operator(otherTenant, "fs1");
        String taskId = "task-" + UUID.randomUUID();

        publish(taskCreated(otherTenant, taskId, dealId, "fs1"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> mongo.exists(Query.query(Criteria.where("taskId").is(taskId)), "deal_task_holders"));

        assertThat(get("/api/deals/" + dealId, intruder).statusCode()).isEqualTo(404);
        assertThat(upload(dealId, intruder, "plan.png", "image/png", PNG).statusCode())
                .isEqualTo(404);
        assertThat(send("POST", "/api/deals/" + dealId + "/stage", intruder, "{\"stage\": \"proposal\"}", "\"0\"")
                        .statusCode())
                .isEqualTo(404);
        assertThat(ids(get("/api/deals", intruder))).isEmpty();
        // The same user id in the deal's own tenant holds no task there either.
        assertThat(get("/api/deals/" + dealId, operator(tenant, "fs1")).statusCode())
                .isEqualTo(404);
    }
}
