package org.opencrm.gateway.ratelimit;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opencrm.gateway.security.FormProperties;
import org.opencrm.gateway.web.Caller;
import org.opencrm.gateway.web.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Token buckets in Redis for every routed request (docs/gateway.md, "Rate limits"): 429 with
 * {@code Retry-After} when a bucket is empty, {@code X-RateLimit-Limit}/{@code X-RateLimit-Remaining} on
 * every answer. When Redis cannot answer in time the request passes ({@code fail-open}, the default) or gets
 * a 503; either way it is counted in {@code crm.gateway.ratelimit.unavailable}.
 */
@Component
class RateLimitFilter implements GlobalFilter, Ordered {

    static final String LIMIT_HEADER = "X-RateLimit-Limit";
    static final String REMAINING_HEADER = "X-RateLimit-Remaining";
    private static final Logger log = LoggerFactory.getLogger(RateLimitFilter.class);

    /*
     * The script's text, read once. A script built on the resource itself would check the resource's
     * last-modified time on every request, under one lock shared by all event loops: inside the packaged jar
     * that is a failing file lookup (an exception) plus a jar connection per request.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> SCRIPT = RedisScript.of(scriptText(), List.class);

    private final ReactiveStringRedisTemplate redis;
    private final RateLimitProperties properties;
    private final FormProperties forms;
    private final Counter unavailable;
    private volatile long lastWarning;

    RateLimitFilter(
            ReactiveStringRedisTemplate redis,
            RateLimitProperties properties,
            FormProperties forms,
            MeterRegistry meters) {
        this.redis = redis;
        this.properties = properties;
        this.forms = forms;
        this.unavailable = Counter.builder("crm.gateway.ratelimit.unavailable")
                .description("Requests whose rate limit could not be checked because Redis did not answer")
                .register(meters);
    }

    /** Connects (and loads the script) at start, so the first requests do not pay for it and fail open. */
    @EventListener(ApplicationReadyEvent.class)
    void connect() {
        if (properties.enabled()) {
            redis.execute(SCRIPT, List.of("crm:rl:warm-up"), List.of("1", "1"))
                    .next()
                    .timeout(Duration.ofSeconds(10))
                    .subscribe(
                            ok -> {},
                            error -> log.warn("Redis for rate limits is not reachable yet: {}", error.toString()));
        }
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
        if (!properties.enabled() || route == null) {
            return chain.filter(exchange);
        }
        List<String> keys = new ArrayList<>(2);
        List<String> args = new ArrayList<>(4);
        buckets(exchange, route.getId(), keys, args);
        return redis.execute(SCRIPT, keys, args)
                .next()
                .timeout(properties.redisTimeout())
                .map(result -> Optional.of(verdict(result)))
                .onErrorResume(error -> Mono.just(redisUnavailable(error)))
                .defaultIfEmpty(Optional.empty())
                .flatMap(checked -> {
                    if (checked.isEmpty()) {
                        return properties.failOpen() ? chain.filter(exchange) : unavailable(exchange);
                    }
                    Verdict verdict = checked.get();
                    HttpHeaders headers = exchange.getResponse().getHeaders();
                    headers.set(LIMIT_HEADER, Long.toString(verdict.limit()));
                    headers.set(REMAINING_HEADER, Long.toString(verdict.remaining()));
                    return verdict.allowed() ? chain.filter(exchange) : tooMany(exchange, verdict);
                });
    }

    /**
     * The buckets this request takes from, each route its own. One script call checks them together, so the
     * gateway needs a standalone (or Sentinel) Redis: a Cluster would refuse keys in different slots.
     */
    private void buckets(ServerWebExchange exchange, String routeId, List<String> keys, List<String> args) {
        var limits = properties.limitsOf(routeId);
        String prefix = "crm:rl:" + routeId + ":";
        Caller caller = Caller.of(exchange);
        if (caller != null) {
            add(keys, args, prefix + "t:" + caller.tenant(), limits.tenant());
            add(keys, args, prefix + "u:" + caller.tenant() + ":" + caller.user(), limits.user());
        } else {
            // No token: a website form, or a public link (unsubscribe, calendar feed), per client IP. The form
            // key is the client's claim, not yet checked: hashed, any string makes a short, harmless key.
            String formKey = exchange.getRequest().getHeaders().getFirst(forms.header());
            if (formKey != null) {
                add(keys, args, prefix + "f:" + digest(formKey), limits.formKey());
            }
            add(keys, args, prefix + "ip:" + clientIp(exchange), limits.clientIp());
        }
    }

    private static String scriptText() {
        try {
            return new ClassPathResource("ratelimit/token-buckets.lua").getContentAsString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("ratelimit/token-buckets.lua is part of the gateway's jar", e);
        }
    }

    private static void add(List<String> keys, List<String> args, String key, RateLimitProperties.Bucket bucket) {
        if (bucket == null) {
            return;
        }
        keys.add(key);
        args.add(Double.toString(bucket.perSecond()));
        args.add(Integer.toString(bucket.burst()));
    }

    private static String clientIp(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        return remote == null || remote.getAddress() == null
                ? "unknown"
                : remote.getAddress().getHostAddress();
    }

    private static String digest(String value) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(String.valueOf(value).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static Verdict verdict(List<?> result) {
        return new Verdict(
                ((Number) result.get(0)).longValue() == 1,
                Math.max(0, ((Number) result.get(1)).longValue()),
                ((Number) result.get(2)).longValue(),
                ((Number) result.get(3)).longValue());
    }

    private Mono<Void> tooMany(ServerWebExchange exchange, Verdict verdict) {
        long seconds = Math.max(1, (verdict.waitMillis() + 999) / 1000);
        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        return Problems.write(
                exchange,
                Problems.Type.TOO_MANY_REQUESTS,
                "Too many requests; try again in " + seconds + " s.",
                Map.of("retryAfterSeconds", seconds));
    }

    private Mono<Void> unavailable(ServerWebExchange exchange) {
        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
        return Problems.write(
                exchange,
                Problems.Type.SERVICE_UNAVAILABLE,
                "Rate limits cannot be checked right now; try again shortly.",
                Map.of("capability", "rate limiting"));
    }

    private Optional<Verdict> redisUnavailable(Throwable error) {
        unavailable.increment();
        long now = System.currentTimeMillis();
        if (now - lastWarning > 10_000) { // one line per 10 s, not one per request
            lastWarning = now;
            log.warn(
                    "Redis did not answer a rate-limit check ({}); requests {} until it does",
                    error.toString(),
                    properties.failOpen() ? "pass unlimited" : "are refused with 503");
        }
        return Optional.empty();
    }

    @Override
    public int getOrder() {
        // before the route's own filters (circuit breaker, retry): a refused request never counts as a failure
        return -1000;
    }

    private record Verdict(boolean allowed, long remaining, long limit, long waitMillis) {}
}
