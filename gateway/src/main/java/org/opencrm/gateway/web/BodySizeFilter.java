package org.opencrm.gateway.web;

import java.util.List;
import java.util.Map;
import org.opencrm.gateway.routing.RoutesProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Refuses a body larger than {@code crm.gateway.max-body-size} with 413 before it costs a service anything:
 * by its {@code Content-Length} at once, or, for a chunked body, as soon as the bytes counted while passing
 * it on exceed the limit (the call to the service is then abandoned). A service's upload endpoints
 * ({@code crm.gateway.services.<id>.uploads}) have their own, larger limit.
 */
@Component
class BodySizeFilter implements WebFilter, Ordered {

    @ConfigurationProperties("crm.gateway")
    record BodySizeProperties(@DefaultValue("1MB") DataSize maxBodySize) {}

    private final long defaultMaxBytes;
    private final List<UploadLimit> uploads;

    /** An upload endpoint's own limit: the file a service accepts is larger than any other request body. */
    private record UploadLimit(HttpMethod method, PathPattern path, long maxBytes) {}

    BodySizeFilter(BodySizeProperties properties, RoutesProperties routes) {
        this.defaultMaxBytes = properties.maxBodySize().toBytes();
        this.uploads = routes.services().values().stream()
                .flatMap(service -> service.uploads().stream())
                .map(upload -> new UploadLimit(
                        upload.method(),
                        PathPatternParser.defaultInstance.parse(upload.path()),
                        upload.maxBodySize().toBytes()))
                .toList();
    }

    private long maxBytesOf(ServerHttpRequest request) {
        for (var upload : uploads) {
            if (upload.method().equals(request.getMethod())
                    && upload.path().matches(request.getPath().pathWithinApplication())) {
                return upload.maxBytes();
            }
        }
        return defaultMaxBytes;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long maxBytes = maxBytesOf(exchange.getRequest());
        long declared = exchange.getRequest().getHeaders().getContentLength();
        if (declared > maxBytes) {
            return tooLarge(exchange, maxBytes);
        }
        if (declared >= 0) {
            return chain.filter(exchange);
        }
        var counting = new ServerHttpRequestDecorator(exchange.getRequest()) {
            @Override
            public Flux<DataBuffer> getBody() {
                long[] seen = {0};
                return super.getBody().handle((buffer, sink) -> {
                    seen[0] += buffer.readableByteCount();
                    if (seen[0] > maxBytes) {
                        DataBufferUtils.release(buffer);
                        sink.error(new BodyTooLargeException());
                    } else {
                        sink.next(buffer);
                    }
                });
            }
        };
        return chain.filter(exchange.mutate().request(counting).build())
                .onErrorResume(BodyTooLargeException::isIn, error -> tooLarge(exchange, maxBytes));
    }

    private static Mono<Void> tooLarge(ServerWebExchange exchange, long maxBytes) {
        return Problems.write(
                exchange,
                Problems.Type.PAYLOAD_TOO_LARGE,
                "The request body is larger than " + maxBytes + " bytes.",
                Map.of("maxBytes", maxBytes));
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 2;
    }

    static final class BodyTooLargeException extends RuntimeException {
        BodyTooLargeException() {
            super("request body too large", null, false, false);
        }

        /** The routing filters wrap what the body publisher signalled; look through the causes. */
        static boolean isIn(Throwable error) {
            for (Throwable t = error; t != null; t = t.getCause()) {
                if (t instanceof BodyTooLargeException) {
                    return true;
                }
            }
            return false;
        }
    }
}
