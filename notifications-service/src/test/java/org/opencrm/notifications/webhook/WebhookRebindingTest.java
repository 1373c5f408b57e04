package org.opencrm.notifications.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opencrm.notifications.NotificationsProperties;
import org.opencrm.notifications.delivery.Delivery;
import org.opencrm.notifications.delivery.SendFailure;

/**
 * DNS rebinding: a webhook host that resolves to a public address when it is checked and to an internal one
 * when the connection is opened. The sender's connections resolve through the guard, so the request goes only
 * to an address the guard passed in that same resolution. The name server is played by the guard's resolver;
 * the "internal service" is a real HTTP server on loopback that counts what reaches it.
 */
class WebhookRebindingTest {

    private static final InetAddress PUBLIC = address("93.184.216.34");
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private HttpServer internalService;
    private final AtomicInteger reachedInside = new AtomicInteger();
    private final Webhooks webhooks = mock(Webhooks.class);
    private final NotificationsProperties properties = mock(NotificationsProperties.class);

    @BeforeEach
    void startTheInternalService() throws Exception {
        internalService = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 10);
        internalService.createContext("/", exchange -> {
            reachedInside.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        internalService.start();
        when(properties.webhooks())
                .thenReturn(new NotificationsProperties.Webhooks(List.of(), 20, Duration.ofSeconds(5)));
    }

    @AfterEach
    void stopTheInternalService() {
        internalService.stop(0);
    }

    @Test
    void aHostThatRebindsToLoopbackAfterTheCheckIsRefusedAndNothingReachesInside() throws Exception {
        var answers = new AtomicInteger();
        // the first answer (the check before sending) is public, every later one (the connection) is loopback
        var guard = new TargetGuard(
                List.of(),
                host -> host.equals("rebind.example")
                        ? new InetAddress[] {answers.getAndIncrement() == 0 ? PUBLIC : LOOPBACK}
                        : InetAddress.getAllByName(host));
        var sender = new WebhookSender(webhooks, guard, properties);
        var delivery = subscribedDelivery("http://rebind.example:" + port() + "/hook");

        var failure = catchThrowableOfType(SendFailure.class, () -> sender.send(delivery));

        assertThat(failure).as("the send was refused").isNotNull();
        assertThat(failure.code()).isEqualTo("TARGET_REFUSED");
        assertThat(failure.permanent()).isTrue();
        assertThat(answers.get())
                .as("the connection asked the guard, not the system's resolver")
                .isEqualTo(2);
        assertThat(reachedInside.get())
                .as("requests that reached the internal service")
                .isZero();
        sender.destroy();
    }

    @Test
    void theConnectionGoesToTheAddressTheGuardResolved() throws Exception {
        // a name no system resolver knows: only the guard's answer can take the request anywhere
        var guard = new TargetGuard(
                List.of("partner.example"),
                host -> host.equals("partner.example") ? new InetAddress[] {LOOPBACK} : InetAddress.getAllByName(host));
        var sender = new WebhookSender(webhooks, guard, properties);

        Integer status = sender.send(subscribedDelivery("http://partner.example:" + port() + "/hook"));

        assertThat(status).isEqualTo(204);
        assertThat(reachedInside.get()).isEqualTo(1);
        sender.destroy();
    }

    private Delivery subscribedDelivery(String url) {
        var subscription = new WebhookSubscription(
                "hook-1", "t1", URI.create(url), Set.of("DealWon"), "secret", true, null, 0, "u1", Instant.now());
        when(webhooks.find("t1", "hook-1")).thenReturn(Optional.of(subscription));
        var delivery = mock(Delivery.class);
        when(delivery.getTenantId()).thenReturn("t1");
        when(delivery.recipientId()).thenReturn("hook-1");
        when(delivery.getId()).thenReturn("delivery-1");
        when(delivery.body()).thenReturn("{\"type\":\"DealWon\"}");
        when(delivery.sourceEventType()).thenReturn("DealWon");
        return delivery;
    }

    private int port() {
        return internalService.getAddress().getPort();
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
