package org.opencrm.tasks.automation;

import jakarta.validation.Valid;
import java.net.URI;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.opencrm.events.tasks.RuleRecipient;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.FieldViolation;
import org.opencrm.platform.web.InvalidRequestException;
import org.opencrm.platform.web.NotFoundException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Automation rules are tenant configuration: administrators write them, heads may read them. */
@RestController
@RequestMapping("/api/automation-rules")
class RuleController {

    private final MongoTemplate mongo;
    private final Clock clock;
    private final RuleCache cache;

    RuleController(MongoTemplate mongo, Clock clock, RuleCache cache) {
        this.mongo = mongo;
        this.clock = clock;
        this.cache = cache;
    }

    @PostMapping
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<RuleView> create(@Valid @RequestBody RuleRequest request, CurrentUser user) {
        var rule = toRule(UUID.randomUUID().toString(), request, user);
        mongo.insert(rule);
        cache.invalidate(user.tenantId());
        return ResponseEntity.created(URI.create("/api/automation-rules/" + rule.id()))
                .body(RuleView.of(rule));
    }

    @PutMapping("/{id}")
    @PreAuthorize("hasRole('ADMIN')")
    RuleView replace(@PathVariable String id, @Valid @RequestBody RuleRequest request, CurrentUser user) {
        find(id, user);
        var rule = toRule(id, request, user);
        mongo.save(rule);
        cache.invalidate(user.tenantId());
        return RuleView.of(rule);
    }

    @DeleteMapping("/{id}")
    @PreAuthorize("hasRole('ADMIN')")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String id, CurrentUser user) {
        mongo.remove(find(id, user));
        cache.invalidate(user.tenantId());
    }

    @GetMapping("/{id}")
    @PreAuthorize("hasAnyRole('ADMIN', 'HEAD')")
    RuleView get(@PathVariable String id, CurrentUser user) {
        return RuleView.of(find(id, user));
    }

    @GetMapping
    @PreAuthorize("hasAnyRole('ADMIN', 'HEAD')")
    List<RuleView> list(CurrentUser user) {
        return mongo
                .find(
                        new Query(Criteria.where("tenantId").is(user.tenantId()))
                                .with(Sort.by("name"))
                                .limit(1000),
                        AutomationRule.class)
                .stream()
                .map(RuleView::of)
                .toList();
    }

    private AutomationRule find(String id, CurrentUser user) {
        var rule = mongo.findById(id, AutomationRule.class);
        if (rule == null || !rule.tenantId().equals(user.tenantId())) {
            throw NotFoundException.of("automation rule", id);
        }
        return rule;
    }

    private AutomationRule toRule(String id, RuleRequest request, CurrentUser user) {
        var errors = new ArrayList<FieldViolation>();
        if (request.createTask() == null && request.notifyPeople() == null) {
            errors.add(new FieldViolation("createTask", "a rule needs createTask, notifyPeople or both"));
        }
        var taskAction = request.createTask() == null ? null : taskAction(request.createTask(), errors);
        var notifyAction = request.notifyPeople() == null ? null : notifyAction(request.notifyPeople(), errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        var c = request.conditions();
        return new AutomationRule(
                id,
                user.tenantId(),
                request.name(),
                request.enabled() == null || request.enabled(),
                request.trigger(),
                c == null
                        ? new AutomationRule.Conditions(null, null, null, null, null, null)
                        : new AutomationRule.Conditions(
                                c.pipelineId(),
                                c.toStage(),
                                c.source(),
                                c.minAmount(),
                                c.missedCall(),
                                c.appealTopic()),
                taskAction,
                notifyAction,
                clock.instant(),
                user.userId());
    }

    private static AutomationRule.TaskAction taskAction(
            RuleRequest.TaskActionRequest action, List<FieldViolation> errors) {
        try {
            var due = Duration.parse(action.dueIn());
            if (due.isNegative()) {
                errors.add(new FieldViolation("createTask.dueIn", "must not be negative"));
            }
        } catch (DateTimeException e) {
            errors.add(new FieldViolation("createTask.dueIn", "must be an ISO-8601 duration such as P1D or PT4H"));
        }
        var assignee = action.assignee();
        switch (assignee.mode()) {
            case TEAM_ROLE -> {
                require(assignee.teamId(), "createTask.assignee.teamId", errors);
                require(assignee.role(), "createTask.assignee.role", errors);
            }
            case TEAM_HEAD -> require(assignee.teamId(), "createTask.assignee.teamId", errors);
            case USER -> require(assignee.userId(), "createTask.assignee.userId", errors);
            case DEAL_OWNER -> {}
        }
        return new AutomationRule.TaskAction(
                action.titleTemplate(),
                action.type(),
                action.priority(),
                new AutomationRule.Assignee(
                        assignee.mode(),
                        assignee.teamId(),
                        assignee.role() == null ? null : assignee.role().toUpperCase(),
                        assignee.userId()),
                action.dueIn(),
                Boolean.TRUE.equals(action.businessHours()));
    }

    /** Team kinds may leave the team to the trigger's department; a user kind must name the user. */
    private static AutomationRule.NotifyAction notifyAction(
            RuleRequest.NotifyActionRequest action, List<FieldViolation> errors) {
        var recipients = new ArrayList<AutomationRule.Recipient>();
        for (int i = 0; i < action.recipients().size(); i++) {
            var r = action.recipients().get(i);
            if (r.kind() == RuleRecipient.Kind.USER) {
                require(r.userId(), "notifyPeople.recipients[" + i + "].userId", errors);
            }
            recipients.add(new AutomationRule.Recipient(r.kind(), r.teamId(), r.userId()));
        }
        String message = action.message() == null || action.message().isBlank() ? null : action.message();
        return new AutomationRule.NotifyAction(List.copyOf(recipients), message);
    }

    private static void require(String value, String field, List<FieldViolation> errors) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldViolation(field, "is required for this assignee mode or recipient kind"));
        }
    }
}
