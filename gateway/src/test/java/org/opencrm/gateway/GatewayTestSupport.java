package org.opencrm.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway in front of five stand-in services and a real Redis, with the test kit's JWT key. Every test
 * class extending this shares one application context; tests keep apart by using their own tenants and users.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class GatewayTestSupport {

    static final Map<String, StandInService> SERVICES = Map.of(
            "contacts", new StandInService("contacts"),
            "deals", new StandInService("deals"),
            "tasks", new StandInService("tasks"),
            "notifications", new StandInService("notifications"),
            "analytics", new StandInService("analytics"));

    /** The console's identity provider (ConsoleLoginTest). */
    static final FakeIdentity IDENTITY = new FakeIdentity();

    static final Duration DEALS_TIMEOUT = Duration.ofMillis(800);
    static final Duration OPEN_FOR = Duration.ofSeconds(2);
    static final long MAX_BODY = 64 * 1024;

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) {
        TestJwts.springProperties().forEach((name, value) -> registry.add(name, () -> value));
        SERVICES.forEach((id, service) -> registry.add("crm.gateway.services." + id + ".uri", service::uri));
        registry.add("crm.gateway.services.deals.timeout", DEALS_TIMEOUT::toString);
        // ConcurrencyTest holds 40 requests at contacts until all arrived: room for a loaded build machine
        registry.add("crm.gateway.services.contacts.timeout", () -> "20s");
        registry.add("crm.gateway.max-body-size", () -> MAX_BODY + "B");
        registry.add("crm.gateway.circuit-breaker.window", () -> 4);
        registry.add("crm.gateway.circuit-breaker.minimum-calls", () -> 4);
        registry.add("crm.gateway.circuit-breaker.open-for", OPEN_FOR::toString);
        registry.add("crm.gateway.circuit-breaker.half-open-calls", () -> 1);
        registry.add("crm.gateway.rate-limit.defaults.tenant.per-second", () -> 1000);
        registry.add("crm.gateway.rate-limit.defaults.tenant.burst", () -> 1000);
        registry.add("crm.gateway.rate-limit.defaults.user.per-second", () -> 100);
        registry.add("crm.gateway.rate-limit.defaults.user.burst", () -> 100);
        registry.add("crm.gateway.rate-limit.defaults.form-key.per-second", () -> 0.01);
        registry.add("crm.gateway.rate-limit.defaults.form-key.burst", () -> 3);
        registry.add("crm.gateway.rate-limit.defaults.client-ip.per-second", () -> 100);
        registry.add("crm.gateway.rate-limit.defaults.client-ip.burst", () -> 1000);
        // one route with a tight user limit, to see 429s
        registry.add("crm.gateway.rate-limit.routes.tasks.user.per-second", () -> 0.05);
        registry.add("crm.gateway.rate-limit.routes.tasks.user.burst", () -> 3);
        // and a tenant bucket there that several users together empty (RateLimitTest)
        registry.add("crm.gateway.rate-limit.routes.tasks.tenant.per-second", () -> 0.01);
        registry.add("crm.gateway.rate-limit.routes.tasks.tenant.burst", () -> 6);
        // a loaded build machine must not make a check fall back to fail-open
        registry.add("crm.gateway.rate-limit.redis-timeout", () -> "3s");
        registry.add("crm.gateway.cors.allowed-origins", () -> "https://console.example");
        registry.add("crm.gateway.console.issuer", () -> TestJwts.ISSUER);
        registry.add("crm.gateway.console.authorization-uri", () -> IDENTITY.uri() + "/oauth2/authorize");
        registry.add("crm.gateway.console.token-uri", () -> IDENTITY.uri() + "/oauth2/token");
        registry.add("crm.gateway.console.jwk-set-uri", () -> IDENTITY.uri() + "/oauth2/jwks");
        registry.add("crm.gateway.console.end-session-uri", () -> IDENTITY.uri() + "/connect/logout");
        // through the placeholder in application.yml, so a test class can still set spring.data.redis.url
        registry.add("REDIS_URL", TestRedis::url);
    }

    HttpResponse<String> get(String path, String token) {
        return send(path, builder -> {
            if (token != null) {
                builder.header("Authorization", "Bearer " + token);
            }
        });
    }

    HttpResponse<String> send(String path, Consumer<HttpRequest.Builder> request) {
        var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20));
        request.accept(builder);
        try {
            return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String admin(String user, String tenant) {
        return TestJwts.user(user).tenant(tenant).roles("ADMIN").mint();
    }

    static String manager(String user, String tenant) {
        return TestJwts.user(user)
                .tenant(tenant)
                .departments("sales")
                .roles("MANAGER")
                .mint();
    }
}
