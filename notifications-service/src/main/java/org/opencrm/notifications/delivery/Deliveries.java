package org.opencrm.notifications.delivery;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.notifications.NotificationsProperties;
import org.opencrm.platform.web.ConflictException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/** The delivery documents: inserted once, claimed under a lease, settled with a versioned save. */
@Component
public class Deliveries {

    private final MongoTemplate mongo;
    private final Clock clock;
    private final NotificationsProperties properties;
    private final Dispatcher.Nudge nudge;
    private final Map<NotificationChannel, Counter> sent = new EnumMap<>(NotificationChannel.class);
    private final Map<NotificationChannel, Counter> failed = new EnumMap<>(NotificationChannel.class);
    private final Map<NotificationChannel, Counter> suppressed = new EnumMap<>(NotificationChannel.class);

    Deliveries(
            MongoTemplate mongo,
            Clock clock,
            NotificationsProperties properties,
            Dispatcher.Nudge nudge,
            MeterRegistry meters) {
        this.mongo = mongo;
        this.clock = clock;
        this.properties = properties;
        this.nudge = nudge;
        for (NotificationChannel channel : NotificationChannel.values()) {
            String tag = channel.name();
            sent.put(
                    channel,
                    Counter.builder("crm.notifications.deliveries.sent")
                            .description("Deliveries the channel accepted")
                            .tag("channel", tag)
                            .register(meters));
            failed.put(
                    channel,
                    Counter.builder("crm.notifications.deliveries.failed")
                            .description("Deliveries given up: refused, permanently failed or retries exhausted")
                            .tag("channel", tag)
                            .register(meters));
            suppressed.put(
                    channel,
                    Counter.builder("crm.notifications.deliveries.suppressed")
                            .description("Deliveries deliberately not sent: preferences, consent, no address")
                            .tag("channel", tag)
                            .register(meters));
        }
    }

    /**
     * Stores the delivery {@code id} unless it exists. The id is derived from the cause, so an event
     * delivered twice by Kafka, or a digest period seen by two instances, ends here as one document.
     *
     * @return true if this call created it
     */
    public boolean enqueue(String tenantId, String id, DeliveryDraft draft) {
        try {
            mongo.insert(Delivery.create(
                    id, tenantId, draft, clock.instant(), properties.dispatch().giveUpAfter()));
        } catch (DuplicateKeyException alreadyThere) {
            return false;
        }
        if (draft.suppressedBecause() == null) {
            nudge.nudge();
        } else {
            suppressed.get(draft.channel()).increment();
        }
        return true;
    }

    public Optional<Delivery> find(String tenantId, String id) {
        return Optional.ofNullable(
                mongo.findOne(new Query(where("_id").is(id).and("tenantId").is(tenantId)), Delivery.class));
    }

    public List<Delivery> find(Query query) {
        return mongo.find(query, Delivery.class);
    }

    /**
     * Takes one due delivery of the channel for this instance. The claim bumps the version, so an instance
     * whose lease was taken over cannot settle the delivery afterwards (its save fails the version check).
     */
    Optional<Delivery> claim(NotificationChannel channel, String instanceId) {
        Instant wallNow = Instant.now();
        var query = new Query(new Criteria()
                        .andOperator(
                                where("status").is(DeliveryStatus.PENDING.name()),
                                where("channel").is(channel.name()),
                                where("nextAttemptAt").lte(clock.instant()),
                                new Criteria()
                                        .orOperator(
                                                where("lockedUntil").is(null),
                                                where("lockedUntil").lt(wallNow))))
                .with(Sort.by("nextAttemptAt"));
        var update = new Update()
                .set("lockedBy", instanceId)
                .set("lockedUntil", wallNow.plus(properties.dispatch().lease()))
                .inc("version", 1);
        return Optional.ofNullable(mongo.findAndModify(
                query, update, FindAndModifyOptions.options().returnNew(true), Delivery.class));
    }

    /** Settles an attempt; a save that lost the lease throws before anything is counted. */
    void save(Delivery delivery) {
        mongo.save(delivery);
        switch (delivery.status()) {
            case SENT -> sent.get(delivery.channel()).increment();
            case FAILED -> failed.get(delivery.channel()).increment();
            default -> {
                // Still pending (retry later, postponed) or suppressed at enqueue: counted elsewhere or later.
            }
        }
    }

    /**
     * Puts a settled delivery back in the queue (manual redelivery of a webhook, a retry an operator asks
     * for). Refused while the delivery is still pending: it will be tried anyway.
     */
    public Delivery redeliver(Delivery delivery) {
        if (delivery.status() == DeliveryStatus.PENDING) {
            throw new ConflictException("The delivery is still pending; it will be tried again on its own.");
        }
        Instant now = clock.instant();
        delivery.redeliver(now, now.plus(properties.dispatch().giveUpAfter()));
        mongo.save(delivery);
        nudge.nudge();
        return delivery;
    }
}
