package org.opencrm.tasks.task;

import jakarta.validation.Valid;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.ETags;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/tasks")
class TaskController {

    private final TaskService service;
    private final TaskQuery query;
    private final Clock clock;

    TaskController(TaskService service, TaskQuery query, Clock clock) {
        this.service = service;
        this.query = query;
        this.clock = clock;
    }

    record TaskPage(List<TaskView> items, String nextCursor) {}

    @PostMapping
    ResponseEntity<TaskView> create(@Valid @RequestBody TaskRequests.CreateTask request, CurrentUser user) {
        var task = service.create(user, request);
        return ResponseEntity.created(URI.create("/api/tasks/" + task.getId()))
                .eTag(ETags.of(task.getVersion()))
                .body(TaskView.of(task, clock.instant()));
    }

    @GetMapping
    TaskPage list(
            @RequestParam(required = false) String assignee,
            @RequestParam(required = false) TaskStatus status,
            @RequestParam(required = false) String due,
            @RequestParam(required = false) String dealId,
            @RequestParam(required = false) String contactId,
            @RequestParam(required = false) String tz,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer size,
            CurrentUser user) {
        var page = query.list(user, new TaskQuery.Filter(assignee, status, due, dealId, contactId, tz, cursor, size));
        Instant now = clock.instant();
        return new TaskPage(page.items().stream().map(t -> TaskView.of(t, now)).toList(), page.nextCursor());
    }

    @GetMapping("/calendar")
    List<TaskView> calendar(
            @RequestParam Instant from,
            @RequestParam Instant to,
            @RequestParam(required = false) String assignee,
            CurrentUser user) {
        Instant now = clock.instant();
        return query.calendar(user, from, to, assignee).stream()
                .map(t -> TaskView.of(t, now))
                .toList();
    }

    @GetMapping("/{id}")
    ResponseEntity<TaskView> get(@PathVariable String id, CurrentUser user) {
        return view(service.get(user, id));
    }

    @PatchMapping("/{id}")
    ResponseEntity<TaskView> update(
            @PathVariable String id,
            @Valid @RequestBody TaskRequests.UpdateTask request,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            CurrentUser user) {
        return view(service.update(user, id, request, ifMatch));
    }

    @PostMapping("/{id}/complete")
    ResponseEntity<TaskView> complete(
            @PathVariable String id,
            @Valid @RequestBody TaskRequests.Complete request,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @RequestHeader(HttpHeaders.AUTHORIZATION) String authorization,
            CurrentUser user) {
        return view(service.complete(user, id, request, ifMatch, authorization));
    }

    @PostMapping("/{id}/cancel")
    ResponseEntity<TaskView> cancel(
            @PathVariable String id,
            @Valid @RequestBody(required = false) TaskRequests.Cancel request,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            CurrentUser user) {
        return view(service.cancel(user, id, request == null ? null : request.reason(), ifMatch));
    }

    private ResponseEntity<TaskView> view(Task task) {
        return ResponseEntity.ok().eTag(ETags.of(task.getVersion())).body(TaskView.of(task, clock.instant()));
    }
}
