package org.opencrm.bench;

/**
 * B5, gateway overhead on a cheap endpoint: {@code GET /api/contacts/settings} (one {@code _id} read of the
 * tenant's settings) through the gateway (Spring Cloud Gateway on WebFlux, JWT check, Redis rate-limit check,
 * circuit breaker) against the same call straight to contacts-service.
 */
final class GatewayOverhead {

    private GatewayOverhead() {}

    static Result run(Bench.Context ctx) throws Exception {
        var options = ctx.options();
        var cluster = ctx.cluster();
        cluster.start("contacts", "gateway");
        var contacts = cluster.service("contacts");
        var gateway = cluster.service("gateway");
        var http = new Http(ctx.token());
        String path = "/api/contacts/settings";
        Http.ok(http.get(contacts.baseUrl() + path));

        var result = new Result("B5", "Gateway overhead on a cheap endpoint vs a direct call");
        result.setup("request", "GET " + path + " with an ADMIN token")
                .setup(
                        "gateway",
                        "Spring Cloud Gateway (WebFlux) with JWT validation, the Redis rate-limit check"
                                + " (limits raised so nothing is refused) and the route's circuit breaker")
                .setup("baseline", "the same request straight to contacts-service");
        var direct = Load.run("direct", options.load(), (w, i) -> Http.ok(http.get(contacts.baseUrl() + path)));
        var viaGateway =
                Load.run("through gateway", options.load(), (w, i) -> Http.ok(http.get(gateway.baseUrl() + path)));
        result.add(direct, "baseline");
        result.add(viaGateway, "subject");
        result.ratio("gateway / direct", "p50", viaGateway.millis(50), direct.millis(50), true);
        result.ratio("gateway / direct", "p99", viaGateway.millis(99), direct.millis(99), true);
        result.ratio("gateway / direct", "throughput", viaGateway.throughput(), direct.throughput(), false);
        result.notes.add("Only the WebFlux gateway exists (no WebMvc variant was built), so there is no WebFlux vs"
                + " WebMvc comparison. The issue asks for the ratio only (no target).");
        return result;
    }
}
