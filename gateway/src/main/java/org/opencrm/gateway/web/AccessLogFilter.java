package org.opencrm.gateway.web;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * One line per request on the logger {@code org.opencrm.gateway.access}: method, path (no query string: it
 * may carry personal data), status, duration, route, request id, trace id, tenant and user.
 */
@Component
class AccessLogFilter implements WebFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger("org.opencrm.gateway.access");

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long start = System.nanoTime();
        return chain.filter(exchange).doFinally(signal -> {
            if (!log.isInfoEnabled()) {
                return;
            }
            Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
            var status = exchange.getResponse().getStatusCode();
            Caller caller = Caller.of(exchange);
            log.info(
                    "{} {} {} {}ms route={} requestId={} traceId={} tenant={} user={}",
                    exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath().value(),
                    status == null ? "-" : status.value(),
                    (System.nanoTime() - start) / 1_000_000,
                    route == null ? "-" : route.getId(),
                    RequestIdFilter.of(exchange),
                    Problems.traceId(exchange).orElse("-"),
                    caller == null ? "-" : caller.tenant(),
                    caller == null ? "-" : caller.user());
        });
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }
}
