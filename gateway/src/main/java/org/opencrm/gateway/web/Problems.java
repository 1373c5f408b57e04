package org.opencrm.gateway.web;

import io.micrometer.tracing.handler.TracingObservationHandler;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes RFC 9457 problem responses from the gateway's own filters, with the same {@code type} URIs and
 * members as the services' (docs/errors.md), so a client cannot tell which layer refused a request.
 */
public final class Problems {

    /** The services' problem types (org.opencrm.platform.web.ProblemType); the gateway is not on the platform. */
    public enum Type {
        UNAUTHORIZED("unauthorized", "Authentication required", HttpStatus.UNAUTHORIZED),
        FORBIDDEN("forbidden", "Forbidden", HttpStatus.FORBIDDEN),
        NOT_FOUND("not-found", "Not found", HttpStatus.NOT_FOUND),
        PAYLOAD_TOO_LARGE("payload-too-large", "Payload too large", HttpStatus.CONTENT_TOO_LARGE),
        TOO_MANY_REQUESTS("too-many-requests", "Too many requests", HttpStatus.TOO_MANY_REQUESTS),
        INTERNAL("internal", "Internal error", HttpStatus.INTERNAL_SERVER_ERROR),
        SERVICE_UNAVAILABLE("service-unavailable", "Service unavailable", HttpStatus.SERVICE_UNAVAILABLE);

        public static final String BASE_URI = "https://opencrm.org/problems/";

        private final String uri;
        private final String title;
        private final HttpStatus status;

        Type(String slug, String title, HttpStatus status) {
            this.uri = BASE_URI + slug;
            this.title = title;
            this.status = status;
        }

        public String uri() {
            return uri;
        }

        public HttpStatus status() {
            return status;
        }
    }

    /** The exchange attribute holding the path as the client sent it (set by the first filter). */
    static final String ORIGINAL_PATH = Problems.class.getName() + ".originalPath";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Problems() {}

    /** Writes the problem unless the response is already on its way (then there is nothing left to say). */
    public static Mono<Void> write(ServerWebExchange exchange, Type type, String detail) {
        return write(exchange, type, detail, Map.of());
    }

    public static Mono<Void> write(ServerWebExchange exchange, Type type, String detail, Map<String, ?> members) {
        return write(
                exchange, type, detail, members, exchange.getRequest().getPath().value());
    }

    /** With the path the client asked for as {@code instance}, for answers given after a {@code forward:}. */
    public static Mono<Void> write(
            ServerWebExchange exchange, Type type, String detail, Map<String, ?> members, String instance) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        var body = new LinkedHashMap<String, Object>();
        body.put("type", type.uri());
        body.put("title", type.title);
        body.put("status", type.status().value());
        body.put("detail", detail);
        // the path the client called, also after a forward: to the circuit breaker's fallback
        body.put(
                "instance",
                exchange.getAttributeOrDefault(
                        ORIGINAL_PATH, exchange.getRequest().getPath().value()));
        traceId(exchange).ifPresent(id -> body.put("traceId", id));
        body.putAll(members);
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        response.setStatusCode(type.status());
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        headers.setContentLength(bytes.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }

    /** The trace id of the request's server observation, when tracing is on. */
    public static Optional<String> traceId(ServerWebExchange exchange) {
        return ServerRequestObservationContext.findCurrent(exchange.getAttributes())
                .map(context -> context.<TracingObservationHandler.TracingContext>get(
                        TracingObservationHandler.TracingContext.class))
                .map(TracingObservationHandler.TracingContext::getSpan)
                .map(span -> span.context().traceId())
                .filter(id -> !id.isBlank() && !id.chars().allMatch(c -> c == '0'));
    }
}
