package org.opencrm.notifications.digest;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import org.bson.Document;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.events.notifications.RecipientKind;
import org.opencrm.notifications.NotificationsProperties;
import org.opencrm.notifications.PeriodicJob;
import org.opencrm.notifications.delivery.Deliveries;
import org.opencrm.notifications.delivery.Delivery;
import org.opencrm.notifications.delivery.DeliveryDraft;
import org.opencrm.notifications.directory.Directory;
import org.opencrm.notifications.directory.UserProfile;
import org.opencrm.notifications.preference.DigestPeriod;
import org.opencrm.notifications.preference.PreferenceStore;
import org.opencrm.notifications.routing.NotificationPlanner;
import org.opencrm.notifications.template.Templates;
import org.opencrm.platform.consumer.EventIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * Task reports by e-mail: each user's (and, for a head, their teams') overdue tasks, tasks due in the
 * period and tasks done in the previous one. A period's digest is due from {@code sendAt} until the end of
 * its first day in the recipient's zone; an empty one is settled without a mail. Every instance runs this; the delivery id is derived from
 * tenant, user, period kind and period, so each period yields one delivery however many instances see it.
 */
@Component
class DigestScheduler extends PeriodicJob {

    private static final Logger log = LoggerFactory.getLogger(DigestScheduler.class);

    private final Directory directory;
    private final PreferenceStore preferences;
    private final TaskCopies tasks;
    private final Templates templates;
    private final Deliveries deliveries;
    private final MongoTemplate mongo;
    private final Clock clock;
    private final NotificationsProperties.Digest settings;

    DigestScheduler(
            Directory directory,
            PreferenceStore preferences,
            TaskCopies tasks,
            Templates templates,
            Deliveries deliveries,
            MongoTemplate mongo,
            Clock clock,
            NotificationsProperties properties) {
        super("digests", properties.digest().interval());
        this.directory = directory;
        this.preferences = preferences;
        this.tasks = tasks;
        this.templates = templates;
        this.deliveries = deliveries;
        this.mongo = mongo;
        this.clock = clock;
        this.settings = properties.digest();
    }

    record Period(DigestPeriod kind, LocalDate start, LocalDate end, LocalDate previousStart) {
        static Period containing(DigestPeriod kind, LocalDate date) {
            return switch (kind) {
                case DAILY -> new Period(kind, date, date.plusDays(1), date.minusDays(1));
                case WEEKLY -> {
                    LocalDate monday = date.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                    yield new Period(kind, monday, monday.plusWeeks(1), monday.minusWeeks(1));
                }
                case MONTHLY -> {
                    LocalDate first = date.withDayOfMonth(1);
                    yield new Period(kind, first, first.plusMonths(1), first.minusMonths(1));
                }
            };
        }
    }

    @Override
    protected void runOnce() {
        Instant now = clock.instant();
        for (String tenant : directory.tenants()) {
            for (UserProfile profile : directory.profiles(tenant)) {
                for (DigestPeriod kind :
                        preferences.of(tenant, profile.userId()).digests()) {
                    try {
                        digest(profile, kind, now);
                    } catch (RuntimeException e) {
                        log.warn("Digest {} for a user of tenant {} failed; retried at the next run", kind, tenant, e);
                    }
                }
            }
        }
    }

    private void digest(UserProfile profile, DigestPeriod kind, Instant now) {
        ZonedDateTime local = now.atZone(profile.timeZone());
        Period period = Period.containing(kind, local.toLocalDate());
        // Due from sendAt until the end of the period's first day in the recipient's zone: a report that
        // arrives days into its period (after an outage, or the first start mid-week) tells nobody anything.
        if (!local.toLocalDate().equals(period.start()) || local.toLocalTime().isBefore(settings.sendAt())) {
            return;
        }
        String cause = "digest:" + profile.tenantId() + ":" + profile.userId() + ":" + kind + ":" + period.start();
        String id = EventIds.derive(cause, NotificationChannel.EMAIL + ":" + profile.userId());
        if (mongo.exists(new Query(where("_id").is(id)), Delivery.class)) {
            return;
        }
        String language = templates.language(profile.language());
        Report report = report(profile, period, now, language);
        var values = new HashMap<String, String>();
        values.put("recipientName", profile.name() != null ? profile.name() : profile.userId());
        values.put("periodName", templates.label(language, "digest." + kind));
        values.put("report", report.text());
        var rendered = templates.render(profile.tenantId(), "Digest", NotificationChannel.EMAIL, language, values);
        var draft = new DeliveryDraft(
                null,
                null,
                null,
                "Digest",
                NotificationChannel.EMAIL,
                RecipientKind.USER,
                profile.userId(),
                profile.email(),
                language,
                rendered.subject(),
                rendered.body(),
                false,
                null,
                suppression(profile, report));
        deliveries.enqueue(profile.tenantId(), id, draft);
    }

    /**
     * A report with nothing overdue, due or done is not mailed: it is stored SUPPRESSED {@code NOTHING_TO_REPORT},
     * which settles the period (the delivery log shows why no mail came, and a task that appears later in
     * the period does not produce a late report).
     */
    private static String suppression(UserProfile profile, Report report) {
        if (report.empty()) {
            return "NOTHING_TO_REPORT";
        }
        return profile.email() == null ? "NO_ADDRESS" : null;
    }

    record Report(String text, boolean empty) {}

    private Report report(UserProfile profile, Period period, Instant now, String language) {
        ZoneId zone = profile.timeZone();
        Instant start = period.start().atStartOfDay(zone).toInstant();
        Instant end = period.end().atStartOfDay(zone).toInstant();
        Instant previousStart = period.previousStart().atStartOfDay(zone).toInstant();
        var teams = directory.teamsHeadedBy(profile.tenantId(), profile.userId());
        List<String> overdue = new ArrayList<>();
        List<String> due = new ArrayList<>();
        List<String> done = new ArrayList<>();
        for (Document task : tasks.of(profile.tenantId(), profile.userId(), teams)) {
            String state = task.getString("state");
            Instant dueAt = instant(task.get("dueAt"));
            Instant completedAt = instant(task.get("completedAt"));
            String line = "- " + (task.getString("title") == null ? task.getString("taskId") : task.getString("title"))
                    + (dueAt == null ? "" : " (" + NotificationPlanner.format(dueAt, language, zone) + ")");
            if ("OPEN".equals(state) && dueAt != null && dueAt.isBefore(now)) {
                overdue.add(line);
            } else if ("OPEN".equals(state) && dueAt != null && !dueAt.isBefore(start) && dueAt.isBefore(end)) {
                due.add(line);
            } else if ("DONE".equals(state)
                    && completedAt != null
                    && !completedAt.isBefore(previousStart)
                    && completedAt.isBefore(start)) {
                done.add(line);
            }
        }
        return new Report(
                section(language, "digest.overdue", overdue) + "\n" + section(language, "digest.dueInPeriod", due)
                        + "\n" + section(language, "digest.done", done),
                overdue.isEmpty() && due.isEmpty() && done.isEmpty());
    }

    private String section(String language, String key, List<String> lines) {
        return templates.label(language, key) + ": " + lines.size() + "\n"
                + (lines.isEmpty() ? templates.label(language, "digest.none") + "\n" : String.join("\n", lines) + "\n");
    }

    private static Instant instant(Object value) {
        return value instanceof Date date ? date.toInstant() : null;
    }
}
