package org.opencrm.tasks.sla;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Actor;
import org.opencrm.tasks.TasksIntegrationTest;
import org.opencrm.tasks.task.Task;
import org.opencrm.tasks.task.Tasks;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A task's due-index entries are written before the task is saved ({@link DueIndex}). A scan that runs between
 * the two finds an entry for a due time the task does not have yet; these tests put a scan exactly there.
 */
class DueEntryBeforeItsTaskTest extends TasksIntegrationTest {

    @Autowired
    Tasks tasks;

    @Autowired
    DueIndex dueIndex;

    @Autowired
    DueScanner scanner;

    @Test
    void aReminderForADueTimeMovedIntoTheNextMinutesComesEvenWhenAScanRanBeforeTheTaskWasSaved() {
        String tenant = unique("t");
        String token = manager(tenant, "anna", "sales");
        String id = createTask(tenant, token, "anna", "sales", now().plus(Duration.ofMinutes(20)), null, null);

        try (var topic = tasksTopic()) {
            // seen in CI under load: the reminder never came
            moveDueWithAScanBeforeTheSave(tenant, id, now().plus(Duration.ofMinutes(5)));

            topic.await(event(tenant, "TaskDueSoon", id), 1, Duration.ofSeconds(30));
            assertThat(settle(topic, event(tenant, "TaskDueSoon", id))).hasSize(1);
        }
    }

    @Test
    void aTaskWhoseDueTimeIsMovedIntoThePastIsReportedOverdueEvenWhenAScanRanBeforeTheTaskWasSaved() {
        String tenant = unique("t");
        String token = manager(tenant, "anna", "sales");
        String id = createTask(tenant, token, "anna", "sales", now().plus(Duration.ofDays(2)), null, null);

        try (var topic = tasksTopic()) {
            moveDueWithAScanBeforeTheSave(tenant, id, now().minus(Duration.ofMinutes(1)));

            topic.await(event(tenant, "TaskOverdue", id), 1, Duration.ofSeconds(30));
            assertThat(settle(topic, event(tenant, "TaskOverdue", id))).hasSize(1);
        }
    }

    /** What TaskService.update and Tasks.save do when a due time moves, with a scan between entry and save. */
    private void moveDueWithAScanBeforeTheSave(String tenant, String id, Instant dueAt) {
        Task task = tasks.find(tenant, id).orElseThrow();
        assertThat(task.edit(new Task.Changes(null, null, dueAt, null, null, null), Actor.user("anna"), now()))
                .isTrue();
        dueIndex.watch(task);
        scanner.scan();
        tasks.repository().save(task);
    }
}
