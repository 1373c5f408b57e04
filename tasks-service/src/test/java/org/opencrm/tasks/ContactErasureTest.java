package org.opencrm.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Actor;
import org.opencrm.events.contacts.ContactCreated;
import org.opencrm.events.contacts.ContactDetails;
import org.opencrm.events.contacts.ContactErased;
import org.opencrm.events.contacts.ContactUpdated;
import org.opencrm.events.contacts.ContactsMerged;

/** A client who asked to be forgotten: their names, current and earlier, leave the titles of their tasks. */
class ContactErasureTest extends TasksIntegrationTest {

    @Test
    void anErasureCutsTheClientsNamesFromTheirTaskTitlesEvenAfterARename() {
        String tenant = unique("t");
        String token = admin(tenant);
        String contact = unique("contact");
        send(new ContactCreated(
                UUID.randomUUID().toString(),
                tenant,
                contact,
                1,
                now(),
                Actor.user("op-1"),
                "PERSON",
                null,
                "sales",
                "website",
                null,
                null,
                new ContactDetails("Maria Petrova", "Berlin", null)));
        // the title a rule's {client.name} or a lead deal's title gives, taken before the rename
        var created = post("/api/tasks", token, """
                {"title": "Call Maria Petrova about Lead: Maria Petrova", "type": "CALL", "assigneeId": "anna",
                 "departmentId": "sales", "dueAt": "%s", "contactId": "%s"}
                """.formatted(now().plus(Duration.ofDays(1)), contact));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String task = created.json("$.id");
        String other = createTask(tenant, token, "anna", "sales", now().plus(Duration.ofDays(1)), null, contact);
        send(new ContactUpdated(
                UUID.randomUUID().toString(),
                tenant,
                contact,
                2,
                now(),
                Actor.user("op-1"),
                List.of("details"),
                null,
                "sales",
                null,
                null,
                new ContactDetails("Maria Ivanova", "Berlin", null)));
        var erased = new ContactErased(UUID.randomUUID().toString(), tenant, contact, 3, now(), Actor.user("dpo"));

        send(erased);
        send(erased);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("/api/tasks/" + task, token)
                        .<String>json("$.title")
                        .equals("Call [erased] about Lead: [erased]"));
        try (var topic = tasksTopic()) {
            var updates = settle(topic, event(tenant, "TaskUpdated"));
            assertThat(updates).extracting(r -> r.key()).containsExactly(task);
            assertThat(field(updates.getFirst(), "$.title").toString()).isEqualTo("Call [erased] about Lead: [erased]");
            assertThat(settle(topic, event(tenant, "TaskUpdated", other))).isEmpty();
        }
    }

    @Test
    void anErasureAfterAMergeCutsTheMergedCardsNameFromTheTasksThatFollowedTheSurvivor() {
        String tenant = unique("t");
        String token = admin(tenant);
        String old = unique("old");
        String survivor = unique("survivor");
        send(person(tenant, old, "Olaf Berg"));
        send(person(tenant, survivor, "Olaf Lind"));
        var created = post("/api/tasks", token, """
                {"title": "Call Olaf Berg", "type": "CALL", "assigneeId": "anna",
                 "departmentId": "sales", "dueAt": "%s", "contactId": "%s"}
                """.formatted(now().plus(Duration.ofDays(1)), old));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String task = created.json("$.id");
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        get("/api/tasks/" + task, token).<String>json("$.title").equals("Call Olaf Berg"));
        send(new ContactsMerged(
                UUID.randomUUID().toString(),
                tenant,
                survivor,
                2,
                now(),
                Actor.user("op-1"),
                old,
                null,
                "sales",
                null,
                new ContactDetails("Olaf Lind", "Oslo", null)));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> survivor.equals(get("/api/tasks/" + task, token).json("$.contactId")));

        send(new ContactErased(UUID.randomUUID().toString(), tenant, survivor, 3, now(), Actor.user("dpo")));

        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        get("/api/tasks/" + task, token).<String>json("$.title").equals("Call [erased]"));
    }

    private static ContactCreated person(String tenant, String contact, String name) {
        return new ContactCreated(
                UUID.randomUUID().toString(),
                tenant,
                contact,
                1,
                now(),
                Actor.user("op-1"),
                "PERSON",
                null,
                "sales",
                "website",
                null,
                null,
                new ContactDetails(name, "Oslo", null));
    }
}
