package org.opencrm.tasks.task;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Predicate;
import org.opencrm.events.Actor;
import org.opencrm.events.tasks.ReassignmentReason;
import org.opencrm.platform.consumer.EventIds;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.security.Visibility;
import org.opencrm.platform.web.ETags;
import org.opencrm.platform.web.InvalidRequestException;
import org.opencrm.platform.web.NotFoundException;
import org.opencrm.tasks.contact.ContactMerges;
import org.opencrm.tasks.deal.DealState;
import org.opencrm.tasks.deal.Deals;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Service;

/** The task commands: load, let the task decide, save once. */
@Service
class TaskService {

    private final Tasks tasks;
    private final Deals deals;
    private final ContactMerges contacts;
    private final DealsClient dealsClient;
    private final Clock clock;
    private final Counter completed;

    TaskService(
            Tasks tasks,
            Deals deals,
            ContactMerges contacts,
            DealsClient dealsClient,
            Clock clock,
            MeterRegistry meters) {
        this.tasks = tasks;
        this.deals = deals;
        this.contacts = contacts;
        this.dealsClient = dealsClient;
        this.clock = clock;
        this.completed = Counter.builder("crm.tasks.completed")
                .description("Tasks completed")
                .register(meters);
    }

    Task create(CurrentUser user, TaskRequests.CreateTask request) {
        String assignee = request.assigneeId() != null ? request.assigneeId() : user.userId();
        String department = request.departmentId();
        var deal = deals.find(user.tenantId(), request.dealId());
        if (department == null) {
            department = deal.map(DealState::departmentId).orElse(null);
        }
        if (department == null && user.departments().size() == 1) {
            department = user.departments().iterator().next();
        }
        var draft = new Task.Draft(
                request.title(),
                request.type(),
                assignee,
                department,
                millis(request.dueAt()),
                request.priority(),
                request.dealId(),
                request.contactId() == null ? null : contacts.survivor(user.tenantId(), request.contactId()),
                null,
                null);
        return tasks.save(Task.create(Task.newTaskId(), user.tenantId(), draft, actor(user), clock.instant()));
    }

    /**
     * Applies a user's change and saves it. Without If-Match the change is meant for the task as it is now, so
     * when a background step (a due-soon reminder, an overdue mark, an escalation: {@code DueScanner}) saved the
     * task between this command's read and its save, the change is applied once more to the newer copy instead of
     * answering the user 409. With If-Match the client named the version it saw, and a conflict stays theirs.
     *
     * @param change applies the change and says whether it changed anything: a change that changes nothing is
     *     not saved (no event, the version stays)
     */
    private Task saveChange(CurrentUser user, String id, String ifMatch, Task task, Predicate<Task> change) {
        if (!change.test(task)) {
            return task;
        }
        try {
            return tasks.save(task);
        } catch (OptimisticLockingFailureException concurrentBackgroundStep) {
            if (ifMatch != null) {
                throw concurrentBackgroundStep;
            }
            var newer = get(user, id);
            return change.test(newer) ? tasks.save(newer) : newer;
        }
    }

    Task get(CurrentUser user, String id) {
        return tasks.repository()
                .findById(id)
                .filter(t -> Visibility.canSee(user, t.getTenantId(), t.assigneeId(), t.departmentId()))
                .orElseThrow(() -> NotFoundException.of("task", id));
    }

    Task update(CurrentUser user, String id, TaskRequests.UpdateTask request, String ifMatch) {
        var task = get(user, id);
        ETags.checkIfMatch(ifMatch, task.getVersion());
        Instant now = clock.instant();
        var changes = new Task.Changes(
                request.title(),
                request.type(),
                request.dueAt() == null ? null : millis(request.dueAt()),
                request.priority(),
                request.dealId(),
                request.contactId() == null ? null : contacts.survivor(user.tenantId(), request.contactId()));
        Predicate<Task> edit = t -> {
            boolean changed = t.edit(changes, actor(user), now);
            if (request.assigneeId() != null && !request.assigneeId().equals(t.assigneeId())) {
                t.reassign(request.assigneeId(), ReassignmentReason.MANUAL, actor(user), now);
                changed = true;
            }
            return changed;
        };
        return saveChange(user, id, ifMatch, task, edit);
    }

    Task cancel(CurrentUser user, String id, String reason, String ifMatch) {
        var task = get(user, id);
        ETags.checkIfMatch(ifMatch, task.getVersion());
        Instant now = clock.instant();
        var saved = saveChange(user, id, ifMatch, task, t -> {
            t.cancel(reason == null ? "MANUAL" : reason, actor(user), now);
            return true;
        });
        if (saved.dealId() != null) {
            deals.taskEnded(saved.getTenantId(), saved.dealId(), saved.getId());
        }
        return saved;
    }

    /**
     * Completes a task. A task of an open deal needs a next step or the deal's closing. The order makes a
     * failure leave nothing half-done: the next step has an id derived from the task (a retry finds it
     * instead of making a twin); the deal is closed before the task is saved, so deals-service being down
     * leaves the task open; if the deal closed but saving the task then fails, the deal's {@code DealLost}
     * cancels the task, and a retry sees the closed deal and needs no next step.
     */
    Task complete(CurrentUser user, String id, TaskRequests.Complete request, String ifMatch, String authorization) {
        var task = get(user, id);
        ETags.checkIfMatch(ifMatch, task.getVersion());
        if (!task.isOpen()) {
            throw new TaskClosedException(task.getId(), task.status());
        }
        if (request.nextStep() != null && request.closeDeal() != null) {
            throw new InvalidRequestException("closeDeal", "give either a next step or closeDeal, not both");
        }
        boolean dealOpen = task.dealId() != null
                && deals.find(task.getTenantId(), task.dealId())
                        .map(DealState::open)
                        .orElse(true);
        if (dealOpen && request.nextStep() == null && request.closeDeal() == null) {
            throw new InvalidRequestException(
                    "nextStep", "the task's deal is open: set the next step or close the deal (closeDeal)");
        }
        Instant now = clock.instant();
        String nextStepId = null;
        if (request.nextStep() != null) {
            var next = request.nextStep();
            var draft = new Task.Draft(
                    next.title(),
                    next.type(),
                    next.assigneeId() != null ? next.assigneeId() : task.assigneeId(),
                    task.departmentId(),
                    millis(next.dueAt()),
                    next.priority(),
                    task.dealId(),
                    task.contactId(),
                    null,
                    null);
            nextStepId = EventIds.derive(task.getId(), "next-step");
            tasks.insertOnce(Task.create(nextStepId, task.getTenantId(), draft, actor(user), now));
        }
        if (request.closeDeal() != null) {
            var close = request.closeDeal();
            if (task.dealId() == null) {
                throw new InvalidRequestException("closeDeal", "the task is not linked to a deal");
            }
            String outcome = close.outcome() == null ? "LOST" : close.outcome();
            if ("LOST".equals(outcome)
                    && (close.lossReason() == null || close.lossReason().isBlank())) {
                throw new InvalidRequestException("closeDeal.lossReason", "a lost deal needs a loss reason");
            }
            dealsClient.close(
                    task.dealId(),
                    new DealsClient.CloseRequest(outcome, close.lossReason(), close.comment()),
                    authorization);
        }
        String nextStep = nextStepId;
        var saved = saveChange(user, id, ifMatch, task, t -> {
            if (!t.isOpen()) {
                throw new TaskClosedException(t.getId(), t.status());
            }
            t.complete(request.outcome(), nextStep, request.closeDeal() != null, actor(user), now);
            return true;
        });
        completed.increment();
        if (saved.dealId() != null) {
            deals.taskEnded(saved.getTenantId(), saved.dealId(), saved.getId());
        }
        return saved;
    }

    private static Actor actor(CurrentUser user) {
        return Actor.user(user.userId());
    }

    /** MongoDB keeps milliseconds; a due time with more would never equal its stored copy. */
    private static Instant millis(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS);
    }
}
