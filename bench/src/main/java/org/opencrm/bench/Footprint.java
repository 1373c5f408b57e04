package org.opencrm.bench;

import java.util.List;

/**
 * B6, footprint: each application started alone (one after the other, so they do not compete for the cores),
 * the time from process start to readiness UP and its resident memory once idle, against an empty Spring Boot
 * app with the same starters ({@link org.opencrm.bench.baseline.EmptyApp}) started the same way.
 */
final class Footprint {

    static final List<String> ALL_APPS = List.of("contacts", "deals", "tasks", "notifications", "analytics", "gateway");

    private Footprint() {}

    static Result run(Bench.Context ctx) throws Exception {
        var cluster = ctx.cluster();
        var names = ctx.options().footprintApps();
        long idleMillis = ctx.options().footprintIdle().toMillis();
        var result = new Result("B6", "Start-up time and idle RSS of each service vs an empty Spring Boot app");
        result.setup("applications", names)
                .setup("jvmOptions", cluster.serviceJavaOptions())
                .setup("analyticsJvmOptions", cluster.javaOptionsOf("analytics"))
                .setup(
                        "method",
                        "each started alone after the previous one stopped, from its unpacked jar as"
                                + " deploy/local/platform does (no CDS archive), against the harness's Kafka and MongoDB;"
                                + " ready = /actuator/health/readiness answers 200; RSS from /proc after "
                                + idleMillis / 1000.0 + " s idle")
                .setup(
                        "baseline",
                        "org.opencrm.bench.baseline.EmptyApp: @SpringBootApplication with no code of its"
                                + " own, on the services' starters (webmvc, validation, restclient, data-mongodb, kafka,"
                                + " oauth2 resource server, actuator, opentelemetry, prometheus)");
        cluster.mongo();
        cluster.kafka();
        var empty = measure(result, cluster.launchBaseline(), "baseline", idleMillis);
        double emptyReady = ((Number) empty.get("readySeconds")).doubleValue();
        double emptyRss = ((Number) empty.get("idleRssMib")).doubleValue();
        for (String name : names) {
            var figures = measure(result, cluster.launch(name + "-alone", name), "subject", idleMillis);
            double ready = ((Number) figures.get("readySeconds")).doubleValue();
            double rss = ((Number) figures.get("idleRssMib")).doubleValue();
            result.ratio(name + " / empty app", "ready time", ready, emptyReady, true);
            result.ratio(name + " / empty app", "idle RSS", rss, emptyRss, true);
            result.target(name + " ready (s)", ready, "<", 10);
            result.target(name + " idle RSS (MiB)", rss, "<", 300);
        }
        result.notes.add("Under the B2 load (not built yet) the RSS is not measured.");
        return result;
    }

    private static java.util.Map<String, Object> measure(
            Result result, ServiceProcess process, String role, long idleMillis) {
        try (process) {
            process.awaitReady(Cluster.READY_TIMEOUT);
            ServiceProcess.sleep(idleMillis);
            var values = Bench.values(
                    "readySeconds", Result.round(process.readyMillis() / 1000.0),
                    "idleRssMib", Result.round(process.rssMib()),
                    "cpuSecondsToReadyAndIdle", Result.round(process.cpuMillis() / 1000.0));
            result.figure(process.name, role, values);
            return values;
        }
    }
}
