package org.opencrm.gateway.web;

import org.springframework.web.server.ServerWebExchange;

/**
 * Who sent a request, once the token is validated: kept in the exchange's attributes (shared by every
 * mutated copy of the exchange) for the access log and the rate limits, which run outside the security chain.
 */
public record Caller(String tenant, String user) {

    private static final String ATTRIBUTE = Caller.class.getName();

    public void store(ServerWebExchange exchange) {
        exchange.getAttributes().put(ATTRIBUTE, this);
    }

    /** The authenticated caller, or null for a request without a token (a website form, a public path). */
    public static Caller of(ServerWebExchange exchange) {
        return exchange.getAttribute(ATTRIBUTE);
    }
}
