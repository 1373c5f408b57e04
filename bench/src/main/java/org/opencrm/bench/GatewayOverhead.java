package org.opencrm.bench;

import java.util.List;
import java.util.Map;

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
        variants(ctx, result, http, path, direct);
        result.notes.add("Only the WebFlux gateway exists (no WebMvc variant was built), so there is no WebFlux vs"
                + " WebMvc comparison. The issue asks for the ratio only (no target).");
        return result;
    }

    /** A variant of the gateway's (or contacts-service's) configuration: what it turns off to split the cost. */
    record Variant(String name, String app, List<String> args, Map<String, String> env, boolean c2) {}

    static final List<Variant> VARIANTS = List.of(
            new Variant(
                    "gateway, rate limits off", "gateway", List.of(), Map.of("CRM_RATE_LIMIT_ENABLED", "false"), false),
            new Variant(
                    "gateway, tracing off",
                    "gateway",
                    List.of("--management.tracing.sampling.probability=0.0"),
                    Map.of(),
                    false),
            new Variant(
                    "gateway, reactor context propagation limited",
                    "gateway",
                    List.of("--spring.reactor.context-propagation=limited"),
                    Map.of(),
                    false),
            new Variant("gateway, C2 JIT (no -XX:TieredStopAtLevel=1)", "gateway", List.of(), Map.of(), true),
            new Variant(
                    "gateway, all four",
                    "gateway",
                    List.of(
                            "--management.tracing.sampling.probability=0.0",
                            "--spring.reactor.context-propagation=limited"),
                    Map.of("CRM_RATE_LIMIT_ENABLED", "false"),
                    true),
            new Variant("contacts-service direct, C2 JIT", "contacts", List.of(), Map.of(), true),
            new Variant(
                    "contacts-service direct, tracing off",
                    "contacts",
                    List.of("--management.tracing.sampling.probability=0.0"),
                    Map.of(),
                    false));

    /**
     * {@code --gateway-variants all|none|<names>}: each variant started alone next to the measured services,
     * measured the same way as the subject, stopped; its ratio to the same-run direct call splits the gateway's
     * cost (and contacts-service's: the JIT and tracing share of B1's service time).
     */
    private static void variants(Bench.Context ctx, Result result, Http http, String path, Load.Run direct) {
        var wanted = ctx.options().gatewayVariants();
        if (wanted.isEmpty() || wanted.contains("none")) {
            return;
        }
        var cluster = ctx.cluster();
        for (var variant : VARIANTS) {
            if (!wanted.contains("all") && !wanted.contains(variant.name())) {
                continue;
            }
            var jvm = new java.util.ArrayList<String>(cluster.serviceJavaOptions());
            if (variant.c2()) {
                jvm.removeIf(o -> o.startsWith("-XX:TieredStopAtLevel"));
            }
            Bench.log("B5 variant: " + variant.name());
            try (var process =
                    cluster.launch(variant.app() + "-variant", variant.app(), variant.args(), variant.env(), jvm)) {
                process.awaitReady(Cluster.READY_TIMEOUT);
                String base = process.baseUrl();
                Http.ok(http.get(base + path));
                var run = Load.run(variant.name(), ctx.options().load(), (w, i) -> Http.ok(http.get(base + path)));
                result.add(run, "variant");
                result.ratio(variant.name() + " / direct", "p50", run.millis(50), direct.millis(50), true);
                result.ratio(variant.name() + " / direct", "p99", run.millis(99), direct.millis(99), true);
            } catch (Exception e) {
                throw new IllegalStateException("B5 variant " + variant.name(), e);
            }
        }
    }
}
