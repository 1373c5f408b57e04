package org.opencrm.gateway.routing;

import static org.springframework.cloud.gateway.support.RouteMetadataUtils.CONNECT_TIMEOUT_ATTR;
import static org.springframework.cloud.gateway.support.RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.io.IOException;
import java.time.Duration;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;

/**
 * One route per service: its paths go to its address, through a circuit breaker whose time limiter is the
 * route's timeout and whose fallback is a 503 problem naming the capability ({@link FallbackController}),
 * with one quick retry for idempotent requests that never reached the service or met an unavailable instance.
 * A service's upload endpoints get a route of their own before it, with the upload's timeout and no retry.
 */
@Configuration(proxyBeanMethods = false)
class GatewayRoutes {

    static final String FALLBACK_PATH = "/fallback/";
    static final String UPLOAD_ROUTE = "-upload-";

    @Bean
    RouteLocator serviceRoutes(RouteLocatorBuilder builder, RoutesProperties properties) {
        var routes = builder.routes();
        // uploads first: their paths are inside their service's patterns
        properties.services().forEach((id, service) -> {
            for (int index = 0; index < service.uploads().size(); index++) {
                var upload = service.uploads().get(index);
                String uploadId = uploadRouteId(id, index);
                routes.route(
                        uploadId,
                        route -> route.order(-1)
                                .method(upload.method())
                                .and()
                                .path(upload.path())
                                .filters(filters -> filters.tokenRelay()
                                        .circuitBreaker(breaker -> breaker.setName(uploadId)
                                                .setFallbackUri("forward:" + FALLBACK_PATH + uploadId)))
                                .metadata(
                                        RESPONSE_TIMEOUT_ATTR, upload.timeout().toMillis() + 1000)
                                .metadata(CONNECT_TIMEOUT_ATTR, (int)
                                        service.connectTimeout().toMillis())
                                .uri(service.uri()));
            }
        });
        properties
                .services()
                .forEach((id, service) -> routes.route(
                        id,
                        route -> route.path(service.paths().toArray(String[]::new))
                                .filters(filters -> {
                                    // the console's session: its access token as the bearer token; requests
                                    // that brought their own token pass unchanged
                                    filters.tokenRelay();
                                    filters.circuitBreaker(breaker ->
                                            breaker.setName(id).setFallbackUri("forward:" + FALLBACK_PATH + id));
                                    var retry = properties.retry();
                                    if (retry.attempts() > 0) {
                                        // Idempotent methods only; when the request never got an answer (refused,
                                        // reset) or an instance said it is unavailable. A slow service is not
                                        // asked twice, and the time limiter above bounds the whole, retries
                                        // included.
                                        filters.retry(config -> config.setRetries(retry.attempts())
                                                .setMethods(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS)
                                                .setSeries()
                                                .setStatuses(retry.statuses().toArray(HttpStatus[]::new))
                                                .setExceptions(IOException.class));
                                    }
                                    return filters;
                                })
                                // A backstop behind the time limiter for the response headers; the limiter answers
                                // first.
                                .metadata(
                                        RESPONSE_TIMEOUT_ATTR, service.timeout().toMillis() + 1000)
                                .metadata(CONNECT_TIMEOUT_ATTR, (int)
                                        service.connectTimeout().toMillis())
                                .uri(service.uri())));
        return routes.build();
    }

    @Bean
    Customizer<ReactiveResilience4JCircuitBreakerFactory> serviceCircuitBreakers(RoutesProperties properties) {
        var breaker = properties.circuitBreaker();
        var circuit = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(breaker.window())
                .minimumNumberOfCalls(breaker.minimumCalls())
                .failureRateThreshold(breaker.failureRate())
                .waitDurationInOpenState(breaker.openFor())
                .permittedNumberOfCallsInHalfOpenState(breaker.halfOpenCalls())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build();
        return factory -> properties.services().forEach((id, service) -> {
            factory.configure(
                    config -> config.circuitBreakerConfig(circuit).timeLimiterConfig(limit(service.timeout())), id);
            for (int index = 0; index < service.uploads().size(); index++) {
                var upload = service.uploads().get(index);
                factory.configure(
                        config -> config.circuitBreakerConfig(circuit).timeLimiterConfig(limit(upload.timeout())),
                        uploadRouteId(id, index));
            }
        });
    }

    private static TimeLimiterConfig limit(Duration timeout) {
        return TimeLimiterConfig.custom()
                .timeoutDuration(timeout)
                .cancelRunningFuture(true)
                .build();
    }

    /** {@code <service>-upload-<index>}: the route, circuit breaker and fallback of one upload endpoint. */
    static String uploadRouteId(String service, int index) {
        return service + UPLOAD_ROUTE + index;
    }
}
