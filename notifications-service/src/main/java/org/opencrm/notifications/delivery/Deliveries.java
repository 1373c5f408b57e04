package org.opencrm.notifications.delivery;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
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

    Deliveries(MongoTemplate mongo, Clock clock, NotificationsProperties properties, Dispatcher.Nudge nudge) {
        this.mongo = mongo;
        this.clock = clock;
        this.properties = properties;
        this.nudge = nudge;
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

    void save(Delivery delivery) {
        mongo.save(delivery);
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
