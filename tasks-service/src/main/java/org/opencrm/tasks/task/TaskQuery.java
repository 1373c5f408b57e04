package org.opencrm.tasks.task;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.security.Visibility;
import org.opencrm.platform.security.VisibilityFields;
import org.opencrm.platform.web.InvalidRequestException;
import org.opencrm.platform.web.PageRequests;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/** Task lists and calendars, always inside what the caller may see. */
@Component
class TaskQuery {

    static final VisibilityFields FIELDS = new VisibilityFields("tenantId", "assigneeId", "departmentId");
    private static final Duration MAX_CALENDAR_RANGE = Duration.ofDays(92);
    private static final int MAX_CALENDAR_ENTRIES = 2000;

    private final MongoTemplate mongo;
    private final Clock clock;

    TaskQuery(MongoTemplate mongo, Clock clock) {
        this.mongo = mongo;
        this.clock = clock;
    }

    record Filter(
            String assignee,
            TaskStatus status,
            String due,
            String dealId,
            String contactId,
            String timeZone,
            String cursor,
            Integer size) {}

    record Page(List<Task> items, String nextCursor) {}

    /** Sorted by due time, then id; the cursor is the last item's (due time, id). */
    Page list(CurrentUser user, Filter filter) {
        int size = PageRequests.of(0, filter.size()).getPageSize();
        List<Criteria> all = new ArrayList<>();
        all.add(Visibility.criteria(user, FIELDS));
        if (filter.assignee() != null) {
            all.add(Criteria.where("assigneeId")
                    .is("me".equals(filter.assignee()) ? user.userId() : filter.assignee()));
        }
        if (filter.status() != null) {
            all.add(Criteria.where("status").is(filter.status()));
        }
        if (filter.dealId() != null) {
            all.add(Criteria.where("dealId").is(filter.dealId()));
        }
        if (filter.contactId() != null) {
            all.add(Criteria.where("contactId").is(filter.contactId()));
        }
        if (filter.due() != null) {
            all.add(due(filter.due(), zone(filter.timeZone())));
        }
        if (filter.cursor() != null) {
            all.add(after(filter.cursor()));
        }
        var query = new Query(new Criteria().andOperator(all))
                .with(Sort.by("dueAt", "_id"))
                .limit(size + 1);
        var found = mongo.find(query, Task.class);
        if (found.size() <= size) {
            return new Page(found, null);
        }
        var items = found.subList(0, size);
        var last = items.getLast();
        return new Page(items, cursor(last));
    }

    /** Tasks due in [from, to), for a calendar view. */
    List<Task> calendar(CurrentUser user, Instant from, Instant to, String assignee) {
        if (!from.isBefore(to)) {
            throw new InvalidRequestException("to", "must be after from");
        }
        if (Duration.between(from, to).compareTo(MAX_CALENDAR_RANGE) > 0) {
            throw new InvalidRequestException("to", "a calendar spans at most 92 days");
        }
        List<Criteria> all = new ArrayList<>();
        all.add(Visibility.criteria(user, FIELDS));
        all.add(Criteria.where("dueAt").gte(from).lt(to));
        all.add(Criteria.where("status").ne(TaskStatus.CANCELLED));
        if (assignee != null) {
            all.add(Criteria.where("assigneeId").is("me".equals(assignee) ? user.userId() : assignee));
        }
        return mongo.find(
                new Query(new Criteria().andOperator(all))
                        .with(Sort.by("dueAt", "_id"))
                        .limit(MAX_CALENDAR_ENTRIES),
                Task.class);
    }

    private Criteria due(String due, ZoneId zone) {
        Instant now = clock.instant();
        var startOfToday = now.atZone(zone).toLocalDate().atStartOfDay(zone);
        return switch (due) {
            case "overdue" ->
                Criteria.where("status").is(TaskStatus.OPEN).and("dueAt").lt(now);
            case "today" ->
                Criteria.where("dueAt")
                        .gte(startOfToday.toInstant())
                        .lt(startOfToday.plusDays(1).toInstant());
            case "week" ->
                Criteria.where("dueAt")
                        .gte(startOfToday.toInstant())
                        .lt(startOfToday.plusDays(7).toInstant());
            default -> throw new InvalidRequestException("due", "must be overdue, today or week");
        };
    }

    private static ZoneId zone(String timeZone) {
        if (timeZone == null) {
            return ZoneId.of("UTC");
        }
        try {
            return ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            throw new InvalidRequestException("tz", "is not an IANA time zone");
        }
    }

    private static String cursor(Task last) {
        String raw = last.dueAt().toEpochMilli() + ":" + last.getId();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static Criteria after(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int colon = raw.indexOf(':');
            Instant due = Instant.ofEpochMilli(Long.parseLong(raw.substring(0, colon)));
            String id = raw.substring(colon + 1);
            return new Criteria()
                    .orOperator(
                            Criteria.where("dueAt").gt(due),
                            Criteria.where("dueAt").is(due).and("_id").gt(id));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new InvalidRequestException("cursor", "is not a cursor this API returned");
        }
    }
}
