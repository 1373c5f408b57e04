package org.opencrm.notifications.webhook;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Instant;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.notifications.NotificationsProperties;
import org.opencrm.notifications.delivery.ChannelSender;
import org.opencrm.notifications.delivery.Delivery;
import org.opencrm.notifications.delivery.SendFailure;
import org.springframework.stereotype.Component;

/**
 * POSTs a delivery's JSON to its subscription's URL with the signature, the delivery id (receivers drop
 * a repeated one) and the event type in headers. Any 2xx is success; everything else is retried with
 * back-off, and counts towards disabling the subscription.
 */
@Component
class WebhookSender implements ChannelSender {

    static final String DELIVERY_HEADER = "X-CRM-Delivery";

    private final Webhooks webhooks;
    private final TargetGuard guard;
    private final NotificationsProperties.Webhooks settings;
    private final HttpClient http;

    WebhookSender(Webhooks webhooks, TargetGuard guard, NotificationsProperties properties) {
        this.webhooks = webhooks;
        this.guard = guard;
        this.settings = properties.webhooks();
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public NotificationChannel channel() {
        return NotificationChannel.WEBHOOK;
    }

    @Override
    public String breakerName(Delivery delivery) {
        return "WEBHOOK:" + delivery.recipientId();
    }

    @Override
    public String refuse(Delivery delivery) {
        var subscription = webhooks.find(delivery.getTenantId(), delivery.recipientId());
        if (subscription.isEmpty()) {
            return "WEBHOOK_DELETED";
        }
        return subscription.get().enabled() ? null : "WEBHOOK_DISABLED";
    }

    @Override
    public Integer send(Delivery delivery) throws SendFailure {
        var subscription = webhooks.find(delivery.getTenantId(), delivery.recipientId())
                .orElseThrow(() -> SendFailure.permanent("WEBHOOK_DELETED", null, null));
        URI url = subscription.url();
        if (guard.refusal(url) != null) {
            throw SendFailure.permanent("TARGET_REFUSED", null, null);
        }
        long timestamp = Instant.now().getEpochSecond();
        var request = HttpRequest.newBuilder(url)
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header(DELIVERY_HEADER, delivery.getId())
                .header("X-CRM-Event-Type", delivery.sourceEventType() == null ? "" : delivery.sourceEventType())
                .header(Signatures.HEADER, Signatures.header(subscription.secret(), timestamp, delivery.body()))
                .POST(HttpRequest.BodyPublishers.ofString(delivery.body()))
                .build();
        HttpResponse<Void> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (HttpTimeoutException e) {
            throw SendFailure.transientFailure("TIMEOUT", null, e);
        } catch (ConnectException e) {
            throw SendFailure.unreachable("UNREACHABLE", e);
        } catch (IOException e) {
            throw SendFailure.transientFailure("IO_ERROR", null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SendFailure.transientFailure("INTERRUPTED", null, e);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return status;
        }
        if (status == 410) {
            throw SendFailure.permanent("HTTP_410", status, null);
        }
        throw SendFailure.transientFailure("HTTP_" + status, status, null);
    }

    @Override
    public void afterAttempt(Delivery delivery, boolean success) {
        if (success) {
            webhooks.succeeded(delivery.recipientId());
        } else {
            webhooks.failed(delivery.recipientId(), settings.disableAfterFailures());
        }
    }
}
