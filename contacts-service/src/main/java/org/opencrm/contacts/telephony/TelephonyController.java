package org.opencrm.contacts.telephony;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import org.opencrm.contacts.card.LookupResult;
import org.opencrm.events.Direction;
import org.opencrm.platform.security.CurrentUser;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The webhook of the call centre's PBX, authenticated by an INTEGRATION token of the tenant. */
@RestController
@RequestMapping("/api/telephony/calls")
@PreAuthorize("hasRole('INTEGRATION')")
class TelephonyController {

    /**
     * @param from the caller's number in any format (for an outbound call: the operator's line)
     * @param to the dialled number (for an outbound call: the client)
     * @param startedAt the PBX's start time; now when absent
     */
    record CallStartRequest(
            @NotBlank @Size(max = 100) String externalCallId,
            @Size(max = 40) String from,
            @Size(max = 40) String to,
            @NotNull Direction direction,
            @Size(max = 64) String operatorId,
            Instant startedAt) {}

    /**
     * @param answered false for a missed call; when absent, a call with talk time counts as answered
     * @param recordingUrl where the PBX keeps the recording (http or https)
     */
    record CallEndRequest(
            Instant endedAt,
            @PositiveOrZero Long durationSeconds,
            Boolean answered,
            @Size(max = 2000) String recordingUrl) {}

    /** The screen pop: the call and the cards of the client's number with their summaries. */
    record CallView(
            String callId,
            String externalCallId,
            Direction direction,
            String operatorId,
            List<String> contactIds,
            Instant startedAt,
            Instant endedAt,
            Long durationSeconds,
            Boolean answered,
            String interactionId,
            List<LookupResult> cards) {}

    private final Telephony telephony;

    TelephonyController(Telephony telephony) {
        this.telephony = telephony;
    }

    @PostMapping
    ResponseEntity<CallView> start(@Valid @RequestBody CallStartRequest request, CurrentUser user) {
        var started = telephony.start(request, user);
        return ResponseEntity.status(started.isNew() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(started.view());
    }

    @PostMapping("/{externalCallId}/end")
    CallView end(@PathVariable String externalCallId, @Valid @RequestBody CallEndRequest request, CurrentUser user) {
        return telephony.end(externalCallId, request, user);
    }
}
