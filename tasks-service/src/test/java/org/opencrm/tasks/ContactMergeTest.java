package org.opencrm.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Actor;
import org.opencrm.events.contacts.ContactDetails;
import org.opencrm.events.contacts.ContactsMerged;

class ContactMergeTest extends TasksIntegrationTest {

    @Test
    void theTasksOfAMergedCardFollowTheSurvivor() {
        String tenant = unique("t");
        String token = admin(tenant);
        String merged = unique("contact");
        String survivor = unique("contact");
        String open = createTask(tenant, token, "anna", "sales", now().plus(Duration.ofDays(1)), null, merged);
        String done = createTask(tenant, token, "anna", "sales", now().plus(Duration.ofDays(1)), null, merged);
        assertThat(post("/api/tasks/" + done + "/complete", token, "{\"outcome\": \"DONE\"}")
                        .status())
                .isEqualTo(200);
        String unrelated = createTask(tenant, token, "anna", "sales", now().plus(Duration.ofDays(1)), null, survivor);
        var merge = new ContactsMerged(
                UUID.randomUUID().toString(),
                tenant,
                survivor,
                5,
                now(),
                Actor.user("anna"),
                merged,
                "anna",
                "sales",
                null,
                new ContactDetails("Ivan Petrov", "Berlin", null));

        send(merge);
        send(merge);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("/api/tasks?contactId=" + survivor, token)
                                .<List<?>>json("$.items")
                                .size()
                        == 3);
        assertThat(get("/api/tasks?contactId=" + merged, token).<List<?>>json("$.items"))
                .isEmpty();
        assertThat(get("/api/tasks/" + open, token).<String>json("$.contactId")).isEqualTo(survivor);
        assertThat(get("/api/tasks/" + done, token).<String>json("$.contactId")).isEqualTo(survivor);
        try (var topic = tasksTopic()) {
            var updates = settle(topic, event(tenant, "TaskUpdated"));
            assertThat(updates).extracting(r -> r.key()).containsExactlyInAnyOrder(open, done);
            assertThat(updates)
                    .allSatisfy(
                            r -> assertThat(field(r, "$.contactId").toString()).isEqualTo(survivor));
            assertThat(settle(topic, event(tenant, "TaskUpdated", unrelated))).isEmpty();
        }

        // A task created later for the merged card lands on the survivor as well.
        String late = createTask(tenant, token, "anna", "sales", now().plus(Duration.ofDays(1)), null, merged);
        assertThat(get("/api/tasks/" + late, token).<String>json("$.contactId")).isEqualTo(survivor);
    }
}
