package org.opencrm.notifications.webhook;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;
import org.opencrm.events.notifications.NotificationChannel;
import org.opencrm.notifications.NotificationsProperties;
import org.opencrm.notifications.delivery.ChannelSender;
import org.opencrm.notifications.delivery.Delivery;
import org.opencrm.notifications.delivery.SendFailure;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * POSTs a delivery's JSON to its subscription's URL with the signature, the delivery id (receivers drop
 * a repeated one) and the event type in headers. Any 2xx is success; everything else is retried with
 * back-off, and counts towards disabling the subscription.
 *
 * <p>Apache HttpClient rather than the JDK's: its connections resolve host names through {@link TargetGuard}
 * ({@link DnsResolver}), so a request goes only to addresses the guard passed in that same resolution, and a
 * DNS answer that turns internal between a check and the connection (rebinding) is refused. The JDK client
 * has no per-client resolver.
 */
@Component
class WebhookSender implements ChannelSender, DisposableBean {

    static final String DELIVERY_HEADER = "X-CRM-Delivery";

    private final Webhooks webhooks;
    private final TargetGuard guard;
    private final NotificationsProperties.Webhooks settings;
    private final CloseableHttpClient http;

    WebhookSender(Webhooks webhooks, TargetGuard guard, NotificationsProperties properties) {
        this.webhooks = webhooks;
        this.guard = guard;
        this.settings = properties.webhooks();
        Timeout timeout = Timeout.of(settings.timeout());
        var connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new DnsResolver() {
                    @Override
                    public InetAddress[] resolve(String host) throws UnknownHostException {
                        return guard.addressesToConnect(host);
                    }

                    @Override
                    public String resolveCanonicalHostname(String host) {
                        return host; // never used for a webhook: no Kerberos/SPNEGO
                    }
                })
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(timeout)
                        .setSocketTimeout(timeout)
                        .build())
                .setMaxConnTotal(200)
                .setMaxConnPerRoute(10)
                .build();
        this.http = HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(
                        RequestConfig.custom().setResponseTimeout(timeout).build())
                .disableRedirectHandling()
                // a failed attempt is the delivery's to retry, with its back-off and log
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
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
        var request = new HttpPost(url);
        request.setHeader(DELIVERY_HEADER, delivery.getId());
        request.setHeader("X-CRM-Event-Type", delivery.sourceEventType() == null ? "" : delivery.sourceEventType());
        request.setHeader(Signatures.HEADER, Signatures.header(subscription.secret(), timestamp, delivery.body()));
        request.setEntity(
                new StringEntity(delivery.body(), ContentType.APPLICATION_JSON.withCharset(StandardCharsets.UTF_8)));
        int status;
        try {
            status = http.execute(request, response -> {
                EntityUtils.consume(response.getEntity());
                return response.getCode();
            });
        } catch (TargetGuard.RefusedTarget e) {
            throw SendFailure.permanent("TARGET_REFUSED", null, null);
        } catch (ConnectException | UnknownHostException e) {
            throw SendFailure.unreachable("UNREACHABLE", e);
        } catch (InterruptedIOException e) {
            // connect, read and pool timeouts are all InterruptedIOExceptions; so is an aborted request
            boolean interrupted = Thread.currentThread().isInterrupted();
            throw SendFailure.transientFailure(interrupted ? "INTERRUPTED" : "TIMEOUT", null, e);
        } catch (IOException e) {
            throw SendFailure.transientFailure("IO_ERROR", null, e);
        }
        if (status / 100 == 2) {
            return status;
        }
        if (status == 410) {
            throw SendFailure.permanent("HTTP_410", status, null);
        }
        throw SendFailure.transientFailure("HTTP_" + status, status, null);
    }

    @Override
    public void destroy() throws IOException {
        http.close();
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
