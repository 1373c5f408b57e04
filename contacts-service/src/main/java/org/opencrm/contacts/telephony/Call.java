package org.opencrm.contacts.telephony;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.opencrm.events.Actor;
import org.opencrm.events.Direction;
import org.opencrm.events.calls.CallEnded;
import org.opencrm.events.calls.CallStarted;
import org.opencrm.platform.outbox.AggregateRoot;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A telephony call announced by the PBX. Its id is derived from the tenant and the PBX's call id, so a
 * retried webhook finds the call instead of starting a second one. The client's number is kept here (not
 * in the events) for support and for matching PBX logs.
 */
@Document("calls")
class Call extends AggregateRoot {

    private String externalCallId;
    private Direction direction;
    private String clientNumber;
    private String operatorId;
    private List<String> contactIds = new ArrayList<>();
    private Instant startedAt;
    private Instant endedAt;
    private long durationSeconds;
    private boolean answered;
    private String recordingUrl;
    private String interactionId;

    Call() {}

    private Call(String id, String tenantId) {
        super(id, tenantId);
    }

    static Call start(
            String id,
            String tenantId,
            String externalCallId,
            Direction direction,
            String clientNumber,
            String operatorId,
            List<String> contactIds,
            Instant startedAt,
            Actor by) {
        var call = new Call(id, tenantId);
        call.externalCallId = externalCallId;
        call.direction = direction;
        call.clientNumber = clientNumber;
        call.operatorId = operatorId;
        call.contactIds = new ArrayList<>(contactIds);
        call.startedAt = startedAt;
        var e = call.nextEvent(by);
        call.record(new CallStarted(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                externalCallId,
                direction,
                operatorId,
                List.copyOf(contactIds),
                startedAt));
        return call;
    }

    /**
     * The PBX reported the end. A second report changes nothing.
     *
     * @return false if the call had ended before
     */
    boolean end(
            Instant endedAt,
            long durationSeconds,
            boolean answered,
            String recordingUrl,
            String interactionId,
            Actor by) {
        if (this.endedAt != null) {
            return false;
        }
        this.endedAt = endedAt;
        this.durationSeconds = answered ? durationSeconds : 0;
        this.answered = answered;
        this.recordingUrl = recordingUrl;
        this.interactionId = interactionId;
        var e = nextEvent(by);
        record(new CallEnded(
                e.eventId(),
                e.tenantId(),
                e.aggregateId(),
                e.aggregateVersion(),
                e.occurredAt(),
                e.actor(),
                externalCallId,
                direction,
                operatorId,
                List.copyOf(contactIds),
                startedAt,
                endedAt,
                this.durationSeconds,
                answered,
                interactionId));
        return true;
    }

    String externalCallId() {
        return externalCallId;
    }

    Direction direction() {
        return direction;
    }

    String clientNumber() {
        return clientNumber;
    }

    String operatorId() {
        return operatorId;
    }

    List<String> contactIds() {
        return List.copyOf(contactIds);
    }

    Instant startedAt() {
        return startedAt;
    }

    Instant endedAt() {
        return endedAt;
    }

    long durationSeconds() {
        return durationSeconds;
    }

    boolean answered() {
        return answered;
    }

    String recordingUrl() {
        return recordingUrl;
    }

    String interactionId() {
        return interactionId;
    }
}
