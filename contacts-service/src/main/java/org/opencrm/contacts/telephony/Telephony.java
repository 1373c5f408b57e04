package org.opencrm.contacts.telephony;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.opencrm.contacts.card.ContactIntake;
import org.opencrm.contacts.card.LookupResult;
import org.opencrm.contacts.settings.TenantRegions;
import org.opencrm.events.Actor;
import org.opencrm.events.Direction;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.security.Role;
import org.opencrm.platform.web.InvalidRequestException;
import org.opencrm.platform.web.NotFoundException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Service;

/**
 * Calls from the PBX: the start answers the screen pop and records {@code CallStarted}; the end records
 * {@code CallEnded} and logs a CALL interaction on the first matched card. Both are safe to repeat.
 */
@Service
class Telephony {

    record Started(TelephonyController.CallView view, boolean isNew) {}

    private final MongoTemplate mongo;
    private final ContactIntake cards;
    private final TenantRegions settings;
    private final Map<Direction, Counter> started = new EnumMap<>(Direction.class);

    Telephony(MongoTemplate mongo, ContactIntake cards, TenantRegions settings, MeterRegistry meters) {
        this.mongo = mongo;
        this.cards = cards;
        this.settings = settings;
        for (Direction direction : Direction.values()) {
            started.put(
                    direction,
                    Counter.builder("crm.contacts.calls.started")
                            .description("Calls announced by the PBX, once per external call id")
                            .tag("direction", direction.name())
                            .register(meters));
        }
    }

    Started start(TelephonyController.CallStartRequest request, CurrentUser user) {
        String callId = ContactIntake.derivedId("call", user.tenantId(), request.externalCallId());
        Call existing = mongo.findById(callId, Call.class);
        if (existing != null) {
            return new Started(view(existing, pop(existing.clientNumber(), user)), false);
        }
        // The client is the caller of an inbound call and the callee of an outbound one.
        String typed = request.direction() == Direction.INBOUND ? request.from() : request.to();
        // A hidden or malformed number still gets its call (and its missed-call task): as an unknown caller.
        String number =
                typed == null ? null : cards.e164(user.tenantId(), typed).orElse(null);
        List<LookupResult> pop = pop(number, user);
        if (pop.isEmpty() && number != null && settings.createsCardsForUnknownCallers(user.tenantId())) {
            cards.createCallerCard(user, number, callId);
            pop = pop(number, user);
        }
        var call = Call.start(
                callId,
                user.tenantId(),
                request.externalCallId(),
                request.direction(),
                number,
                request.operatorId(),
                pop.stream().map(r -> r.contact().id()).toList(),
                request.startedAt() == null ? Instant.now() : request.startedAt(),
                actor(user));
        try {
            var inserted = mongo.insert(call);
            started.get(request.direction()).increment();
            return new Started(view(inserted, pop), true);
        } catch (DuplicateKeyException concurrentRetry) {
            return new Started(view(mongo.findById(callId, Call.class), pop), false);
        }
    }

    TelephonyController.CallView end(
            String externalCallId, TelephonyController.CallEndRequest request, CurrentUser user) {
        if (request.recordingUrl() != null && !isHttpUrl(request.recordingUrl())) {
            throw new InvalidRequestException("recordingUrl", "must be an http or https URL");
        }
        String callId = ContactIntake.derivedId("call", user.tenantId(), externalCallId);
        Call call = load(callId, externalCallId);
        if (call.endedAt() == null) {
            Instant endedAt = request.endedAt() == null ? Instant.now() : request.endedAt();
            if (endedAt.isBefore(call.startedAt())) {
                throw new InvalidRequestException("endedAt", "must not be before the call started");
            }
            long duration = request.durationSeconds() == null ? 0 : request.durationSeconds();
            boolean answered = request.answered() != null ? request.answered() : duration > 0;
            String interactionId = call.contactIds().isEmpty()
                    ? null
                    : ContactIntake.derivedId("call-interaction", user.tenantId(), callId);
            try {
                call.end(endedAt, duration, answered, request.recordingUrl(), interactionId, actor(user));
                call = mongo.save(call);
            } catch (OptimisticLockingFailureException concurrentEnd) {
                call = load(callId, externalCallId);
            }
        }
        // Also on a repeated end: the first may have stopped between the call's write and the card's.
        if (call.interactionId() != null) {
            cards.logCall(
                    user,
                    call.contactIds().getFirst(),
                    new ContactIntake.CallLog(
                            call.interactionId(),
                            call.getId(),
                            call.direction(),
                            call.startedAt(),
                            call.durationSeconds(),
                            call.answered(),
                            call.operatorId(),
                            call.recordingUrl()));
        }
        return view(call, List.of());
    }

    private Call load(String callId, String externalCallId) {
        Call call = mongo.findById(callId, Call.class);
        if (call == null) {
            throw NotFoundException.of("call", externalCallId);
        }
        return call;
    }

    private List<LookupResult> pop(String number, CurrentUser user) {
        return number == null ? List.of() : cards.screenPop(number, user);
    }

    private static Actor actor(CurrentUser user) {
        return user.hasRole(Role.INTEGRATION) ? Actor.integration(user.userId()) : Actor.user(user.userId());
    }

    private static TelephonyController.CallView view(Call call, List<LookupResult> pop) {
        return new TelephonyController.CallView(
                call.getId(),
                call.externalCallId(),
                call.direction(),
                call.operatorId(),
                call.contactIds(),
                call.startedAt(),
                call.endedAt(),
                call.endedAt() == null ? null : call.durationSeconds(),
                call.endedAt() == null ? null : call.answered(),
                call.interactionId(),
                pop);
    }

    private static boolean isHttpUrl(String text) {
        try {
            var uri = URI.create(text.trim());
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
