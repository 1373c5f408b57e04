package org.opencrm.notifications.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.opencrm.events.Actor;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.events.notifications.NotificationFailed;
import org.opencrm.events.notifications.NotificationSent;
import org.opencrm.events.notifications.RecipientKind;
import org.opencrm.platform.outbox.AggregateRoot;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One message to one recipient over one channel. Its id is derived from what caused it (an event, a
 * campaign, a digest period) plus channel and recipient, so however often the cause arrives there is one
 * delivery, inserted PENDING before anything is sent. It records NotificationSent/NotificationFailed in its
 * outbox when it settles.
 */
@Document(Delivery.COLLECTION)
public class Delivery extends AggregateRoot {

    public static final String COLLECTION = "deliveries";
    private static final Actor ACTOR = new Actor(Actor.Kind.SYSTEM, "notifications-service");
    private static final int LOG_LIMIT = 50;

    private String sourceEventId;
    private String sourceEventType;
    private String campaignId;
    private String topic;
    private NotificationChannel channel;
    private RecipientKind recipientKind;
    private String recipientId;
    /** E-mail address, E.164 phone, webhook URL or, for in-app, the user id. */
    private String address;

    private String language;
    private String subject;
    private String body;
    private boolean urgent;

    private DeliveryStatus status;
    private String reason;
    private int attempts;
    private Instant createdAt;
    private Instant nextAttemptAt;
    private Instant giveUpAt;
    private Instant settledAt;
    private List<Attempt> log = new ArrayList<>();

    private String lockedBy;
    private Instant lockedUntil;

    protected Delivery() {}

    private Delivery(String id, String tenantId) {
        super(id, tenantId);
    }

    public static Delivery create(String id, String tenantId, DeliveryDraft draft, Instant now, Duration giveUpAfter) {
        var d = new Delivery(id, tenantId);
        d.sourceEventId = draft.sourceEventId();
        d.sourceEventType = draft.sourceEventType();
        d.campaignId = draft.campaignId();
        d.topic = draft.topic();
        d.channel = draft.channel();
        d.recipientKind = draft.recipientKind();
        d.recipientId = draft.recipientId();
        d.address = draft.address();
        d.language = draft.language();
        d.subject = draft.subject();
        d.body = draft.body();
        d.urgent = draft.urgent();
        d.createdAt = now;
        if (draft.suppressedBecause() != null) {
            d.status = DeliveryStatus.SUPPRESSED;
            d.reason = draft.suppressedBecause();
            d.settledAt = now;
        } else {
            d.status = DeliveryStatus.PENDING;
            d.nextAttemptAt = draft.notBefore() != null && draft.notBefore().isAfter(now) ? draft.notBefore() : now;
            d.giveUpAt = d.nextAttemptAt.plus(giveUpAfter);
        }
        return d;
    }

    void sent(Attempt attempt) {
        attempts++;
        addLog(attempt);
        status = DeliveryStatus.SENT;
        reason = null;
        settledAt = attempt.at();
        release();
        var e = nextEvent(ACTOR, attempt.at());
        record(new NotificationSent(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                sourceEventId,
                sourceEventType,
                campaignId,
                channel,
                recipientKind,
                recipientId,
                attempts));
    }

    /** A failed try that will be tried again at {@code next}. */
    void retryAt(Attempt attempt, Instant next) {
        attempts++;
        addLog(attempt);
        noteReason(attempt.outcome());
        nextAttemptAt = next;
        release();
    }

    /** Not tried at all (the channel's circuit is open): no attempt is counted. */
    void postpone(Instant next, String why) {
        noteReason(why);
        nextAttemptAt = next;
        release();
    }

    void failed(Attempt attempt, String failureReason) {
        if (attempt != null) {
            attempts++;
            addLog(attempt);
        }
        status = DeliveryStatus.FAILED;
        reason = failureReason;
        settledAt = attempt != null ? attempt.at() : Instant.now();
        release();
        var e = nextEvent(ACTOR, settledAt);
        record(new NotificationFailed(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                sourceEventId,
                sourceEventType,
                campaignId,
                channel,
                recipientKind,
                recipientId,
                attempts,
                failureReason));
    }

    /** Manual redelivery: back in the queue now, with a fresh retry window. */
    void redeliver(Instant now, Instant newGiveUpAt) {
        status = DeliveryStatus.PENDING;
        reason = "REDELIVERY_REQUESTED";
        nextAttemptAt = now;
        giveUpAt = newGiveUpAt;
        settledAt = null;
        release();
    }

    /** A delivery suppressed while it was in flight (its client erased) keeps saying why it was. */
    private void noteReason(String why) {
        if (status == DeliveryStatus.PENDING) {
            reason = why;
        }
    }

    private void release() {
        lockedBy = null;
        lockedUntil = null;
    }

    private void addLog(Attempt attempt) {
        log.add(attempt);
        if (log.size() > LOG_LIMIT) {
            log = new ArrayList<>(log.subList(log.size() - LOG_LIMIT, log.size()));
        }
    }

    public String sourceEventId() {
        return sourceEventId;
    }

    public String sourceEventType() {
        return sourceEventType;
    }

    public String campaignId() {
        return campaignId;
    }

    /** The event's topic-level name (e.g. {@code TaskOverdue}) or {@code Campaign}/{@code Digest}. */
    public String topic() {
        return topic;
    }

    public NotificationChannel channel() {
        return channel;
    }

    public RecipientKind recipientKind() {
        return recipientKind;
    }

    public String recipientId() {
        return recipientId;
    }

    public String address() {
        return address;
    }

    public String language() {
        return language;
    }

    public String subject() {
        return subject;
    }

    public String body() {
        return body;
    }

    public boolean urgent() {
        return urgent;
    }

    public DeliveryStatus status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    public int attempts() {
        return attempts;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant nextAttemptAt() {
        return nextAttemptAt;
    }

    public Instant giveUpAt() {
        return giveUpAt;
    }

    public Instant settledAt() {
        return settledAt;
    }

    public List<Attempt> log() {
        return List.copyOf(log);
    }

    /** The dispatcher instance holding the delivery's lease, if any. */
    String lockedBy() {
        return lockedBy;
    }
}
