package org.opencrm.notifications.client;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.HashMap;
import java.util.UUID;
import org.bson.Document;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.events.notifications.RecipientKind;
import org.opencrm.notifications.NotificationsProperties;
import org.opencrm.notifications.PeriodicJob;
import org.opencrm.notifications.delivery.Deliveries;
import org.opencrm.notifications.delivery.DeliveryDraft;
import org.opencrm.notifications.delivery.DeliveryStatus;
import org.opencrm.notifications.template.Templates;
import org.opencrm.platform.consumer.EventIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * Daily birthday greetings. Every instance checks every {@code birthdays.interval} which tenants with
 * greetings on have reached their send time in their zone; the first instance to claim a tenant's day
 * (collection {@code birthday_runs}, id {@code tenant:date}, with a lease) reads that day's clients from
 * contacts-service and enqueues one delivery per client and channel.
 *
 * <p>Exactly once per client per year: the delivery id is derived from tenant, client, channel and
 * <em>year</em>, so a second instance, a rerun after a crash, or a birthday corrected to a later day of the
 * same year meets the existing delivery and sends nothing; a card that absorbed an already greeted card in a
 * merge ({@code ContactsMerged}) is not greeted again that year either. The claim only saves the duplicate reads.
 * A day whose run never happened (the service was down all day) is not caught up the next day: a birthday
 * greeting a day late reads as a mistake.
 *
 * <p>A client gets a greeting only with marketing consent for the channel, never when erased (contacts-service
 * leaves erased cards out; a {@code ContactErased} this service has seen wins even over a lagging answer),
 * never after unsubscribing here; otherwise the delivery is SUPPRESSED with the reason, visible in the
 * delivery log. Every greeting carries the signed unsubscribe link, even if a tenant's template leaves it out.
 */
@Component
class BirthdayGreetings extends PeriodicJob {

    static final String TOPIC = "Birthday";
    static final String RUNS = "birthday_runs";
    private static final Logger log = LoggerFactory.getLogger(BirthdayGreetings.class);

    private final MongoTemplate mongo;
    private final BirthdayMembers members;
    private final ServiceCredentials credentials;
    private final Clients clients;
    private final UnsubscribeLinks links;
    private final Templates templates;
    private final Deliveries deliveries;
    private final Clock clock;
    private final NotificationsProperties.Birthdays settings;
    private final String instance = UUID.randomUUID().toString();

    BirthdayGreetings(
            MongoTemplate mongo,
            BirthdayMembers members,
            ServiceCredentials credentials,
            Clients clients,
            UnsubscribeLinks links,
            Templates templates,
            Deliveries deliveries,
            Clock clock,
            NotificationsProperties properties) {
        super("birthdays", properties.birthdays().interval());
        this.mongo = mongo;
        this.members = members;
        this.credentials = credentials;
        this.clients = clients;
        this.links = links;
        this.templates = templates;
        this.deliveries = deliveries;
        this.clock = clock;
        this.settings = properties.birthdays();
    }

    /** The delivery log's {@code campaignId} of a day's greetings. */
    static String campaignOf(LocalDate date) {
        return "birthdays:" + date;
    }

    @Override
    protected void runOnce() {
        Instant now = clock.instant();
        for (BirthdaySettings tenant : mongo.find(new Query(where("enabled").is(true)), BirthdaySettings.class)) {
            ZonedDateTime local = now.atZone(tenant.zone());
            if (local.toLocalTime().isBefore(tenant.sendAt())) {
                continue;
            }
            LocalDate today = local.toLocalDate();
            if (!claim(tenant.tenantId(), today, now)) {
                continue;
            }
            if (!credentials.configured()) {
                log.warn(
                        "Birthday greetings of tenant {} are on but crm.notifications.birthdays.client-secret is"
                                + " not set: nothing can be read from contacts-service",
                        tenant.tenantId());
                release(tenant.tenantId(), today);
                continue;
            }
            try {
                greet(tenant, today);
                finish(tenant.tenantId(), today, now);
            } catch (RuntimeException e) {
                // the claim is released so the next check (this or another instance) tries again the same day
                release(tenant.tenantId(), today);
                log.warn(
                        "Birthday greetings of tenant {} for {} failed; tried again at the next check",
                        tenant.tenantId(),
                        today,
                        e);
            }
        }
    }

    private void greet(BirthdaySettings tenant, LocalDate today) {
        String language = templates.language(tenant.language());
        for (var member : members.on(tenant.tenantId(), today)) {
            if (member.contactId() == null) {
                continue;
            }
            for (NotificationChannel channel : tenant.channels()) {
                greet(tenant.tenantId(), today, language, member, channel);
            }
        }
    }

    private void greet(
            String tenantId,
            LocalDate today,
            String language,
            SegmentMembers.Member member,
            NotificationChannel channel) {
        String id = greetingId(tenantId, member.contactId(), today, channel);
        boolean email = channel == NotificationChannel.EMAIL;
        String address = email ? member.email() : member.phone();
        String why = clients.erased(tenantId, member.contactId())
                ? "ERASED"
                : greetedAsMergedCard(tenantId, member.contactId(), today, channel)
                        ? "ALREADY_GREETED"
                        : clients.unsubscribed(tenantId, member.contactId(), channel.name())
                                ? "UNSUBSCRIBED"
                                : !(email ? member.emailConsent() : member.smsConsent())
                                        ? "NO_CONSENT"
                                        : address == null ? "NO_ADDRESS" : null;
        String subject = null;
        String body = null;
        if (why == null) {
            String unsubscribe = links.link(tenantId, member.contactId(), channel.name());
            var values = new HashMap<String, String>();
            values.put("name", member.name() == null ? "" : member.name());
            values.put("unsubscribeUrl", unsubscribe);
            var rendered = templates.render(tenantId, TOPIC, channel, language, values);
            subject = rendered.subject();
            body = rendered.body().contains(unsubscribe) ? rendered.body() : rendered.body() + "\n\n" + unsubscribe;
        }
        deliveries.enqueue(
                tenantId,
                id,
                new DeliveryDraft(
                        null,
                        null,
                        campaignOf(today),
                        TOPIC,
                        channel,
                        RecipientKind.CONTACT,
                        member.contactId(),
                        why == null ? address : null,
                        language,
                        subject,
                        body,
                        false,
                        null,
                        why));
    }

    private static String greetingId(String tenantId, String contactId, LocalDate day, NotificationChannel channel) {
        return EventIds.derive("birthday:" + tenantId + ":" + contactId + ":" + day.getYear(), channel.name());
    }

    /**
     * A card merged into this one was greeted (or is being greeted) on this channel this year: the same
     * person is not greeted twice. A suppressed greeting of that card does not count.
     */
    private boolean greetedAsMergedCard(
            String tenantId, String contactId, LocalDate today, NotificationChannel channel) {
        return clients.mergedInto(tenantId, contactId).stream()
                .anyMatch(merged -> deliveries
                        .find(tenantId, greetingId(tenantId, merged, today, channel))
                        .filter(d -> d.status() != DeliveryStatus.SUPPRESSED)
                        .isPresent());
    }

    /**
     * Takes the tenant's day: creates its run, or takes over one whose lease ran out unfinished. False when
     * the day is done or another instance holds it.
     */
    private boolean claim(String tenantId, LocalDate date, Instant now) {
        String id = tenantId + ":" + date;
        var lease = Date.from(now.plus(settings.lease()));
        try {
            mongo.insert(
                    new Document("_id", id)
                            .append("tenantId", tenantId)
                            .append("date", date.toString())
                            .append("done", false)
                            .append("lockedBy", instance)
                            .append("lockedUntil", lease),
                    RUNS);
            return true;
        } catch (DuplicateKeyException exists) {
            return mongo.updateFirst(
                                    new Query(where("_id")
                                            .is(id)
                                            .and("done")
                                            .is(false)
                                            .and("lockedUntil")
                                            .lt(Date.from(now))),
                                    new Update().set("lockedBy", instance).set("lockedUntil", lease),
                                    RUNS)
                            .getModifiedCount()
                    == 1;
        }
    }

    private void finish(String tenantId, LocalDate date, Instant now) {
        mongo.updateFirst(
                new Query(where("_id").is(tenantId + ":" + date).and("lockedBy").is(instance)),
                new Update().set("done", true).set("doneAt", Date.from(now)),
                RUNS);
    }

    private void release(String tenantId, LocalDate date) {
        mongo.updateFirst(
                new Query(where("_id").is(tenantId + ":" + date).and("lockedBy").is(instance)),
                new Update().set("lockedUntil", new Date(0)),
                RUNS);
    }
}
