package org.opencrm.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MissingNextStepTest extends TasksIntegrationTest {

    @Test
    void anOpenDealWithoutOpenTaskIsListedAndReportedOncePerEpisode() {
        String tenant = unique("t");
        String deal = unique("deal");
        String owner = manager(tenant, "m1", "sales");
        send(dealCreated(tenant, deal, "m1", "sales"));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("/api/tasks/missing-next-step", owner)
                        .<List<String>>json("$.items[*].dealId")
                        .contains(deal));
        assertThat(get("/api/tasks/missing-next-step", manager(tenant, "m2", "other"))
                        .<List<?>>json("$.items"))
                .as("another department's manager does not see the deal")
                .isEmpty();

        try (var topic = tasksTopic()) {
            TestClock.INSTANCE.advance(Duration.ofMinutes(2));
            var first = topic.await(event(tenant, "DealWithoutNextStep", deal), 1, Duration.ofSeconds(30));
            assertThat(field(first.getFirst(), "$.ownerId").toString()).isEqualTo("m1");
            assertThat((Object) field(first.getFirst(), "$.lastTaskId")).isNull();
            TestClock.INSTANCE.advance(Duration.ofMinutes(5));
            assertThat(settle(topic, event(tenant, "DealWithoutNextStep", deal)))
                    .hasSize(1);

            // A task ends the episode; cancelling it starts a new one, reported once more.
            String task = createTask(tenant, owner, null, "sales", now().plus(Duration.ofHours(3)), deal, null);
            assertThat(get("/api/tasks/missing-next-step", owner).<List<String>>json("$.items[*].dealId"))
                    .doesNotContain(deal);
            assertThat(post("/api/tasks/" + task + "/cancel", owner, "{}").status())
                    .isEqualTo(200);
            TestClock.INSTANCE.advance(Duration.ofMinutes(2));
            var second = topic.await(event(tenant, "DealWithoutNextStep", deal), 2, Duration.ofSeconds(30));
            assertThat(field(second.get(1), "$.lastTaskId").toString()).isEqualTo(task);
            TestClock.INSTANCE.advance(Duration.ofMinutes(5));
            assertThat(settle(topic, event(tenant, "DealWithoutNextStep", deal)))
                    .hasSize(2);
        }
    }
}
