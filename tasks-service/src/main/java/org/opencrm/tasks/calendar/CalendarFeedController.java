package org.opencrm.tasks.calendar;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.property.Description;
import net.fortuna.ical4j.model.property.ProdId;
import net.fortuna.ical4j.model.property.Status;
import net.fortuna.ical4j.model.property.Uid;
import net.fortuna.ical4j.model.property.immutable.ImmutableCalScale;
import net.fortuna.ical4j.model.property.immutable.ImmutableVersion;
import org.bson.Document;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.NotFoundException;
import org.opencrm.tasks.task.Task;
import org.opencrm.tasks.task.TaskStatus;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A read-only iCalendar feed of a user's tasks. Calendar apps cannot send a JWT, so the feed is reached
 * through a secret URL the user creates while signed in; creating a new one revokes the old. Only the
 * token's hash is stored, so the database never holds a usable feed URL.
 */
@RestController
class CalendarFeedController {

    static final String COLLECTION = "calendar_feeds";
    private static final MediaType TEXT_CALENDAR = MediaType.parseMediaType("text/calendar;charset=UTF-8");
    private static final Duration PAST = Duration.ofDays(30);
    private static final Duration AHEAD = Duration.ofDays(180);
    private static final Duration EVENT_LENGTH = Duration.ofMinutes(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MongoTemplate mongo;
    private final Clock clock;

    CalendarFeedController(MongoTemplate mongo, Clock clock) {
        this.mongo = mongo;
        this.clock = clock;
    }

    record Feed(String url) {}

    @PostMapping("/api/tasks/calendar/feed")
    Feed create(CurrentUser user) {
        mongo.remove(
                new Query(Criteria.where("tenantId")
                        .is(user.tenantId())
                        .and("userId")
                        .is(user.userId())),
                COLLECTION);
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        mongo.insert(
                new Document("_id", hash(token))
                        .append("tenantId", user.tenantId())
                        .append("userId", user.userId())
                        .append("createdAt", clock.instant()),
                COLLECTION);
        return new Feed("/public/calendar/" + token + ".ics");
    }

    @GetMapping("/public/calendar/{token}.ics")
    ResponseEntity<String> feed(@PathVariable String token) {
        var feed = mongo.findById(hash(token), Document.class, COLLECTION);
        if (feed == null) {
            throw new NotFoundException("No calendar feed at this address.");
        }
        Instant now = clock.instant();
        var tasks = mongo.find(
                new Query(Criteria.where("tenantId")
                                .is(feed.getString("tenantId"))
                                .and("assigneeId")
                                .is(feed.getString("userId"))
                                .and("status")
                                .ne(TaskStatus.CANCELLED)
                                .and("dueAt")
                                .gte(now.minus(PAST))
                                .lt(now.plus(AHEAD)))
                        .with(Sort.by("dueAt"))
                        .limit(2000),
                Task.class);
        var calendar = new Calendar();
        calendar.add(new ProdId("-//OpenCRM//tasks-service//EN"));
        calendar.add(ImmutableVersion.VERSION_2_0);
        calendar.add(ImmutableCalScale.GREGORIAN);
        for (Task task : tasks) {
            var event = new VEvent(task.dueAt(), EVENT_LENGTH, task.title());
            event.add(new Uid(task.getId() + "@tasks.opencrm"));
            event.add(new Description(task.type() + (task.isOpen() ? "" : " (" + task.status() + ")")));
            if (task.isOpen()) {
                event.add(new Status(Status.VALUE_CONFIRMED));
            }
            calendar.add(event);
        }
        return ResponseEntity.ok().contentType(TEXT_CALENDAR).body(calendar.toString());
    }

    private static String hash(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
