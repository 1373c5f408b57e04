package org.opencrm.notifications.client;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.HashMap;
import java.util.UUID;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.events.notifications.RecipientKind;
import org.opencrm.notifications.delivery.Deliveries;
import org.opencrm.notifications.delivery.DeliveryDraft;
import org.opencrm.notifications.template.Templates;
import org.opencrm.platform.consumer.EventIds;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.InvalidRequestException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Client messaging: a campaign to a contacts segment, sent only to clients with marketing consent for the
 * channel, never to erased or unsubscribed ones; every message carries an unsubscribe link.
 */
@RestController
class CampaignController {

    private final SegmentMembers segments;
    private final Clients clients;
    private final UnsubscribeLinks links;
    private final Templates templates;
    private final Deliveries deliveries;

    CampaignController(
            SegmentMembers segments,
            Clients clients,
            UnsubscribeLinks links,
            Templates templates,
            Deliveries deliveries) {
        this.segments = segments;
        this.clients = clients;
        this.links = links;
        this.templates = templates;
        this.deliveries = deliveries;
    }

    record CampaignRequest(
            @NotBlank @Size(max = 100) String segmentId,
            @NotNull NotificationChannel channel,
            @Size(max = 300) String subject,
            @NotBlank @Size(max = 10_000) String body,

            @Pattern(regexp = "[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
            String language) {}

    record CampaignResult(String campaignId, int queued, int suppressed) {}

    @PostMapping("/api/campaigns")
    @PreAuthorize("hasAnyRole('ADMIN', 'HEAD')")
    @ResponseStatus(HttpStatus.ACCEPTED)
    CampaignResult send(@Valid @RequestBody CampaignRequest request, CurrentUser user) {
        if (request.channel() != NotificationChannel.EMAIL && request.channel() != NotificationChannel.SMS) {
            throw new InvalidRequestException("channel", "must be EMAIL or SMS");
        }
        String campaignId = UUID.randomUUID().toString();
        String channel = request.channel().name();
        int queued = 0;
        int suppressed = 0;
        for (var member : segments.of(request.segmentId(), bearerToken())) {
            if (member.contactId() == null) {
                continue;
            }
            String language = templates.language(request.language() != null ? request.language() : member.language());
            var values = new HashMap<String, String>();
            values.put("subject", request.subject() == null ? "" : request.subject());
            values.put("body", request.body());
            values.put("unsubscribeUrl", links.link(user.tenantId(), member.contactId(), channel));
            var rendered = templates.render(user.tenantId(), "Campaign", request.channel(), language, values);
            boolean email = request.channel() == NotificationChannel.EMAIL;
            String address = email ? member.email() : member.phone();
            String why = clients.erased(user.tenantId(), member.contactId())
                    ? "ERASED"
                    : clients.unsubscribed(user.tenantId(), member.contactId(), channel)
                            ? "UNSUBSCRIBED"
                            : !(email ? member.emailConsent() : member.smsConsent())
                                    ? "NO_CONSENT"
                                    : address == null ? "NO_ADDRESS" : null;
            var draft = new DeliveryDraft(
                    null,
                    null,
                    campaignId,
                    "Campaign",
                    request.channel(),
                    RecipientKind.CONTACT,
                    member.contactId(),
                    why == null ? address : null,
                    language,
                    rendered.subject(),
                    rendered.body(),
                    false,
                    null,
                    why);
            deliveries.enqueue(user.tenantId(), EventIds.derive(campaignId, channel + ":" + member.contactId()), draft);
            if (why == null) {
                queued++;
            } else {
                suppressed++;
            }
        }
        return new CampaignResult(campaignId, queued, suppressed);
    }

    /** Followed from a message, without a token: the signed link itself is the proof. */
    @GetMapping(path = "/public/unsubscribe", produces = MediaType.TEXT_PLAIN_VALUE)
    String unsubscribe(@RequestParam String token) {
        var subject = links.verify(token)
                .orElseThrow(() -> new InvalidRequestException("token", "is not a valid unsubscribe link"));
        clients.unsubscribe(subject.tenantId(), subject.contactId(), subject.channel());
        return "You will receive no more messages of this kind.";
    }

    private static String bearerToken() {
        var authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof AbstractOAuth2TokenAuthenticationToken<?> token) {
            return token.getToken().getTokenValue();
        }
        throw new IllegalStateException("campaigns are sent on behalf of a user with a bearer token");
    }
}
