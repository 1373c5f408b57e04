package org.opencrm.gateway.routing;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CIRCUITBREAKER_EXECUTION_EXCEPTION_ATTR;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.opencrm.gateway.web.Problems;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Where a route's circuit breaker sends a request its service did not answer: a 503 problem naming the
 * capability that is unavailable and why, with {@code Retry-After}. Reached only by the gateway's own
 * {@code forward:}; a client calling the path directly gets the same answer, which discloses nothing.
 */
@RestController
class FallbackController {

    private final RoutesProperties properties;

    FallbackController(RoutesProperties properties) {
        this.properties = properties;
    }

    @RequestMapping(GatewayRoutes.FALLBACK_PATH + "{service}")
    Mono<Void> unavailable(@PathVariable("service") String routeId, ServerWebExchange exchange) {
        // a service's route, or one of its upload routes (<service>-upload-<index>)
        int upload = routeId.indexOf(GatewayRoutes.UPLOAD_ROUTE);
        String service = upload < 0 ? routeId : routeId.substring(0, upload);
        var route = properties.services().get(service);
        Duration timeout =
                timeoutOf(route, upload < 0 ? null : routeId.substring(upload + GatewayRoutes.UPLOAD_ROUTE.length()));
        String capability = route == null ? service : route.capability();
        Throwable cause = exchange.getAttribute(CIRCUITBREAKER_EXECUTION_EXCEPTION_ATTR);
        String reason;
        long retryAfter;
        if (cause instanceof CallNotPermittedException) {
            reason = "circuit-open";
            retryAfter = Math.max(1, properties.circuitBreaker().openFor().toSeconds());
        } else if (cause instanceof TimeoutException) {
            reason = "timeout";
            retryAfter = 1;
        } else {
            reason = "unreachable";
            retryAfter = 1;
        }
        String why = switch (reason) {
            case "circuit-open" -> "it failed repeatedly and is given time to recover";
            case "timeout" ->
                "it did not answer within " + (timeout == null ? "its timeout" : timeout.toMillis() + " ms");
            default -> "it cannot be reached";
        };
        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
        return Problems.write(
                exchange,
                Problems.Type.SERVICE_UNAVAILABLE,
                "The " + capability + " service is unavailable right now (" + why + "); try again shortly.",
                Map.of("capability", capability, "service", service, "reason", reason));
    }

    private static Duration timeoutOf(RoutesProperties.Service route, String uploadIndex) {
        if (route == null) {
            return null;
        }
        if (uploadIndex == null) {
            return route.timeout();
        }
        try {
            int index = Integer.parseInt(uploadIndex);
            return index < route.uploads().size() ? route.uploads().get(index).timeout() : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
