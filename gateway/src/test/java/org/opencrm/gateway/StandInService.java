package org.opencrm.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stand-in for a service behind the gateway: answers every path with what it received (its name, method,
 * path, the headers the gateway relays, the body's size) and {@code /v3/api-docs} with a given document. It
 * can be slowed down, made to hold requests until enough arrived, stopped and started again on the same port.
 */
final class StandInService {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String name;
    private final int port;
    private volatile Duration delay = Duration.ZERO;
    private volatile String apiDocs = "{}";
    private final AtomicInteger requests = new AtomicInteger();
    private volatile CountDownLatch held;
    private volatile Duration holdAtMost = Duration.ZERO;
    private HttpServer server;

    StandInService(String name) {
        this.name = name;
        start(0);
        this.port = server.getAddress().getPort();
    }

    String uri() {
        return "http://127.0.0.1:" + port;
    }

    int requests() {
        return requests.get();
    }

    void delay(Duration delay) {
        this.delay = delay;
    }

    /**
     * Holds every request whose path contains {@code /held/} until {@code parties} of them have arrived, then
     * answers them all; one that waited {@code atMost} in vain answers 504. Only a caller that has all
     * {@code parties} requests in flight at the same time gets 200s.
     */
    void holdUntil(int parties, Duration atMost) {
        this.holdAtMost = atMost;
        this.held = new CountDownLatch(parties);
    }

    void apiDocs(String json) {
        this.apiDocs = json;
    }

    synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    synchronized void start() {
        if (server == null) {
            start(port);
        }
    }

    private void start(int onPort) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::answer);
        server.start();
    }

    private void answer(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            byte[] received = exchange.getRequestBody().readAllBytes();
            if (!delay.isZero()) {
                Thread.sleep(delay);
            }
            var latch = held;
            if (latch != null && exchange.getRequestURI().getPath().contains("/held/")) {
                latch.countDown();
                if (!latch.await(holdAtMost.toMillis(), TimeUnit.MILLISECONDS)) {
                    exchange.sendResponseHeaders(504, -1);
                    return;
                }
            }
            String body;
            if (exchange.getRequestURI().getPath().equals("/v3/api-docs")) {
                body = apiDocs;
            } else {
                var echo = new LinkedHashMap<String, Object>();
                echo.put("service", name);
                echo.put("method", exchange.getRequestMethod());
                echo.put("path", exchange.getRequestURI().getPath());
                echo.put("bodyBytes", received.length);
                var headers = new LinkedHashMap<String, String>();
                for (String header : new String[] {"Authorization", "X-Request-Id", "traceparent", "X-Form-Key"}) {
                    String value = exchange.getRequestHeaders().getFirst(header);
                    if (value != null) {
                        headers.put(header, value);
                    }
                }
                echo.put("headers", headers);
                body = JSON.writeValueAsString(echo);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Map<String, Object> parse(String json) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = JSON.readValue(json, Map.class);
        return map;
    }
}
