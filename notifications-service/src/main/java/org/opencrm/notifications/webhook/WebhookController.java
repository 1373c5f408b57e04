package org.opencrm.notifications.webhook;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.opencrm.events.EventCatalog;
import org.opencrm.events.EventType;
import org.opencrm.events.Topics;
import org.opencrm.events.notifications.RecipientKind;
import org.opencrm.notifications.delivery.Deliveries;
import org.opencrm.notifications.delivery.DeliveryView;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.InvalidRequestException;
import org.opencrm.platform.web.NotFoundException;
import org.opencrm.platform.web.PageRequests;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Tenant webhook subscriptions, their delivery log and manual redelivery (ADMIN or INTEGRATION). */
@RestController
@RequestMapping("/api/webhooks")
@PreAuthorize("hasAnyRole('ADMIN', 'INTEGRATION')")
class WebhookController {

    /** Types a webhook can subscribe to: the events this service consumes. */
    static final Set<String> SUBSCRIBABLE = EventCatalog.all().stream()
            .filter(t -> Set.of(Topics.TASKS, Topics.DEALS, Topics.CALLS, Topics.CONTACTS, Topics.TEAMS)
                    .contains(t.topic()))
            .map(EventType::javaType)
            .map(Class::getSimpleName)
            .collect(Collectors.toUnmodifiableSet());

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Webhooks webhooks;
    private final TargetGuard guard;
    private final Deliveries deliveries;
    private final Clock clock;

    WebhookController(Webhooks webhooks, TargetGuard guard, Deliveries deliveries, Clock clock) {
        this.webhooks = webhooks;
        this.guard = guard;
        this.deliveries = deliveries;
        this.clock = clock;
    }

    record CreateWebhookRequest(
            @NotNull URI url,
            @NotEmpty @Size(max = 50) Set<@NotNull @Pattern(regexp = "[A-Za-z]{1,64}") String> eventTypes,
            @Size(min = 16, max = 200) String secret) {}

    /** @param secret shown once, in the answer to the create request */
    record WebhookView(
            String id,
            URI url,
            Set<String> eventTypes,
            boolean enabled,
            String disabledReason,
            int consecutiveFailures,
            Instant createdAt,
            String secret) {
        static WebhookView of(WebhookSubscription s, boolean withSecret) {
            return new WebhookView(
                    s.id(),
                    s.url(),
                    s.eventTypes(),
                    s.enabled(),
                    s.disabledReason(),
                    s.consecutiveFailures(),
                    s.createdAt(),
                    withSecret ? s.secret() : null);
        }
    }

    @PostMapping
    ResponseEntity<WebhookView> create(@Valid @RequestBody CreateWebhookRequest request, CurrentUser user) {
        String refusal = guard.refusal(request.url());
        if (refusal != null) {
            throw new InvalidRequestException("url", refusal);
        }
        var unknown = request.eventTypes().stream()
                .filter(t -> !SUBSCRIBABLE.contains(t))
                .sorted()
                .toList();
        if (!unknown.isEmpty()) {
            throw new InvalidRequestException("eventTypes", "unknown event types " + unknown);
        }
        String secret = request.secret() != null ? request.secret() : newSecret();
        var saved = webhooks.save(new WebhookSubscription(
                UUID.randomUUID().toString(),
                user.tenantId(),
                request.url(),
                request.eventTypes(),
                secret,
                true,
                null,
                0,
                user.userId(),
                clock.instant()));
        return ResponseEntity.created(URI.create("/api/webhooks/" + saved.id())).body(WebhookView.of(saved, true));
    }

    @GetMapping
    List<WebhookView> list(CurrentUser user) {
        return webhooks.list(user.tenantId()).stream()
                .map(s -> WebhookView.of(s, false))
                .toList();
    }

    @GetMapping("/{id}")
    WebhookView get(@PathVariable String id, CurrentUser user) {
        return WebhookView.of(find(user, id), false);
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String id, CurrentUser user) {
        webhooks.delete(find(user, id));
    }

    /** Enables a disabled subscription again, with a fresh failure count. */
    @PostMapping("/{id}/enable")
    WebhookView enable(@PathVariable String id, CurrentUser user) {
        var s = find(user, id);
        return WebhookView.of(
                webhooks.save(new WebhookSubscription(
                        s.id(),
                        s.tenantId(),
                        s.url(),
                        s.eventTypes(),
                        s.secret(),
                        true,
                        null,
                        0,
                        s.createdBy(),
                        s.createdAt())),
                false);
    }

    @GetMapping("/{id}/deliveries")
    List<DeliveryView> deliveries(
            @PathVariable String id,
            @RequestParam(required = false) Integer page,
            @RequestParam(required = false) Integer size,
            CurrentUser user) {
        find(user, id);
        var query = new Query(where("tenantId")
                        .is(user.tenantId())
                        .and("recipientKind")
                        .is(RecipientKind.WEBHOOK.name())
                        .and("recipientId")
                        .is(id))
                .with(PageRequests.of(page, size))
                .with(Sort.by(Sort.Direction.DESC, "createdAt"));
        return deliveries.find(query).stream().map(DeliveryView::of).toList();
    }

    /** Sends a delivery again (after a FAILED one, or a SENT one the receiver lost). */
    @PostMapping("/{id}/deliveries/{deliveryId}/redeliver")
    @ResponseStatus(HttpStatus.ACCEPTED)
    DeliveryView redeliver(@PathVariable String id, @PathVariable String deliveryId, CurrentUser user) {
        find(user, id);
        var delivery = deliveries
                .find(user.tenantId(), deliveryId)
                .filter(d -> d.recipientKind() == RecipientKind.WEBHOOK && id.equals(d.recipientId()))
                .orElseThrow(() -> NotFoundException.of("delivery", deliveryId));
        return DeliveryView.of(deliveries.redeliver(delivery));
    }

    private WebhookSubscription find(CurrentUser user, String id) {
        return webhooks.find(user.tenantId(), id).orElseThrow(() -> NotFoundException.of("webhook", id));
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
