package org.opencrm.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencrm.testkit.jwt.TestJwts;

/**
 * The harness: {@code bench/run [options]} (see docs/benchmarks.md). Starts what the chosen benchmarks need on
 * free ports, loads their data, measures each subject and its same-run baseline, and writes
 * {@code <out>/<id>.json}, PNG charts and {@code SUMMARY.md}.
 *
 * <pre>
 *   --only B1,B8,B5,B6     which benchmarks (default: all implemented, in this order)
 *   --contacts N           B1 data size (default 200000)
 *   --deals N              B8 data size (default 200000)
 *   --concurrency N        closed-loop workers (default 4)
 *   --warmup SECONDS       per measured run (default 10)
 *   --duration SECONDS     per measured run (default 30)
 *   --out DIR              results directory (default bench/results)
 *   --root DIR             the repository (default .), where the service jars are
 *   --service-java-opts S  JVM options of the services (default deploy/local/platform's)
 *   --footprint-apps LIST  B6's applications (default contacts,deals,tasks,notifications,analytics,gateway)
 *   --footprint-idle SEC   B6: idle time after readiness before the RSS is read (default 5)
 *   --b2-rates LIST        B2's fixed open-loop rates, changes/s (default 100,500,1000)
 *   --b2-deals N           B2's pool of deals the changes cycle through (default 2000)
 *   --b2-search-steps N    B2: runs spent bisecting for the highest sustainable rate (default 3)
 *   --b2-kafka-messages N  B2's baseline: messages of Kafka's EndToEndLatency (default 10000)
 *   --tasks N              B7's open tasks (default 1000000; the baseline is 1000)
 *   --b7-probes N          B7: probe tasks falling due in each measured window (default 20)
 *   --b7-window SECONDS    B7: each measured window (default 60)
 *   --import-rows N        B4's CSV rows (default 1000000)
 *   --import-timeout SEC   B4: stop waiting for the import job after this and report the part that ran
 *                          (default 3600)
 *   --gateway-variants L   B5: also measure configuration variants (all, none, or names; default none)
 *   --analytics-deals N    B3 (only with --only B3): deals of the report data set, ~12 events each (default
 *                          100000; the 1000000 needs a ~40 GB harness heap on the memory backend)
 *   --analytics-ingest N   B3: of those, deals whose events go through Kafka and the service (default 50000)
 *   --database KIND        memory (default: the heap) or disk (an H2 MVStore file under bench/target/bench-run, for
 *                          the 1,000,000-record sizes whose documents do not fit a heap)
 * </pre>
 */
public final class Bench {

    /** What every benchmark gets. */
    record Context(Cluster cluster, Options options, String token, MongoClient mongo) {}

    /** The command line, parsed. */
    record Options(
            List<String> only,
            int contacts,
            int deals,
            int concurrency,
            Duration warmup,
            Duration duration,
            Path out,
            Path root,
            String serviceJavaOpts,
            String analyticsJavaOpts,
            List<String> footprintApps,
            Duration footprintIdle,
            List<Integer> b2Rates,
            int b2Deals,
            int b2SearchSteps,
            int b2KafkaMessages,
            int tasks,
            int b7Probes,
            Duration b7Window,
            int importRows,
            Duration importTimeout,
            List<String> gatewayVariants,
            int analyticsDeals,
            int analyticsIngestDeals,
            String database,
            String command) {

        Load.Settings load() {
            return new Load.Settings(concurrency, warmup, duration);
        }

        static Options parse(String... args) {
            var m = new LinkedHashMap<String, String>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("usage: --name value ...; got " + args[i]);
                }
                m.put(args[i].substring(2), args[++i]);
            }
            var known = List.of(
                    "only",
                    "contacts",
                    "deals",
                    "concurrency",
                    "warmup",
                    "duration",
                    "out",
                    "root",
                    "service-java-opts",
                    "analytics-java-opts",
                    "footprint-apps",
                    "footprint-idle",
                    "b2-rates",
                    "b2-deals",
                    "b2-search-steps",
                    "b2-kafka-messages",
                    "tasks",
                    "b7-probes",
                    "b7-window",
                    "import-rows",
                    "import-timeout",
                    "gateway-variants",
                    "analytics-deals",
                    "analytics-ingest",
                    "database");
            for (String key : m.keySet()) {
                if (!known.contains(key)) {
                    throw new IllegalArgumentException("unknown option --" + key + " (known: " + known + ")");
                }
            }
            return new Options(
                    List.of(m.getOrDefault("only", String.join(",", ALL)).split(",")),
                    Integer.parseInt(m.getOrDefault("contacts", "200000")),
                    Integer.parseInt(m.getOrDefault("deals", "200000")),
                    Integer.parseInt(m.getOrDefault("concurrency", "4")),
                    Duration.ofMillis((long) (Double.parseDouble(m.getOrDefault("warmup", "10")) * 1000)),
                    Duration.ofMillis((long) (Double.parseDouble(m.getOrDefault("duration", "30")) * 1000)),
                    Path.of(m.getOrDefault("out", "bench/results")),
                    Path.of(m.getOrDefault("root", ".")),
                    m.getOrDefault("service-java-opts", Cluster.DEFAULT_SERVICE_JAVA_OPTS),
                    m.getOrDefault("analytics-java-opts", Cluster.DEFAULT_ANALYTICS_JAVA_OPTS),
                    List.of(m.getOrDefault("footprint-apps", String.join(",", Footprint.ALL_APPS))
                            .split(",")),
                    Duration.ofMillis((long) (Double.parseDouble(m.getOrDefault("footprint-idle", "5")) * 1000)),
                    java.util.Arrays.stream(
                                    m.getOrDefault("b2-rates", "100,500,1000").split(","))
                            .map(String::trim)
                            .map(Integer::parseInt)
                            .toList(),
                    Integer.parseInt(m.getOrDefault("b2-deals", "2000")),
                    Integer.parseInt(m.getOrDefault("b2-search-steps", "3")),
                    Integer.parseInt(m.getOrDefault("b2-kafka-messages", "10000")),
                    Integer.parseInt(m.getOrDefault("tasks", "1000000")),
                    Integer.parseInt(m.getOrDefault("b7-probes", "20")),
                    Duration.ofMillis((long) (Double.parseDouble(m.getOrDefault("b7-window", "60")) * 1000)),
                    Integer.parseInt(m.getOrDefault("import-rows", "1000000")),
                    Duration.ofSeconds(Long.parseLong(m.getOrDefault("import-timeout", "3600"))),
                    List.of(m.getOrDefault("gateway-variants", "none").split(",")),
                    Integer.parseInt(m.getOrDefault("analytics-deals", "100000")),
                    Integer.parseInt(m.getOrDefault("analytics-ingest", "50000")),
                    database(m.getOrDefault("database", "memory")),
                    "bench/run " + String.join(" ", args));
        }

        private static String database(String kind) {
            if (!kind.equals("memory") && !kind.equals("disk")) {
                throw new IllegalArgumentException("--database is memory or disk, not " + kind);
            }
            return kind;
        }
    }

    static final List<String> ALL = List.of("B1", "B8", "B5", "B2", "B7", "B4", "B6");

    private Bench() {}

    public static void main(String[] args) throws Exception {
        var written = run(Options.parse(args));
        written.forEach(p -> System.out.println("wrote " + p));
        System.exit(0);
    }

    /** Runs the chosen benchmarks; returns the files written. */
    public static List<Path> run(Options options) throws Exception {
        var runInfo = new LinkedHashMap<String, Object>();
        runInfo.put("date", Instant.now().toString());
        runInfo.put("command", options.command());
        runInfo.put("machine", Machine.describe());
        runInfo.put("serviceJavaOptions", options.serviceJavaOpts());
        runInfo.put("analyticsJavaOptions", options.analyticsJavaOpts());
        runInfo.put("database", options.database());
        var report = new Report(options.out(), runInfo);
        var written = new ArrayList<Path>();
        var work = options.root().resolve("bench/target/bench-run");
        String token = TestJwts.user("bench-admin")
                .tenant("bench")
                .departments("sales")
                .roles("ADMIN")
                .expiresIn(Duration.ofHours(6))
                .mint();
        try (var cluster = database(
                        new Cluster(options.root(), work, options.serviceJavaOpts(), options.analyticsJavaOpts()),
                        options,
                        work);
                var mongo = MongoClients.create(cluster.mongo())) {
            var context = new Context(cluster, options, token, mongo);
            // the services of the load benchmarks start together (B6 starts its own, one at a time)
            var needed = new ArrayList<String>();
            if (options.only().contains("B1") || options.only().contains("B5")) {
                needed.addAll(List.of("contacts", "gateway"));
            } else if (options.only().contains("B4")) {
                needed.add("contacts");
            }
            if (options.only().contains("B8") || options.only().contains("B2")) {
                needed.add(0, "deals");
            }
            if (options.only().contains("B2")) {
                needed.addAll(List.of("tasks", "notifications"));
            } else if (options.only().contains("B7")) {
                needed.add("tasks");
            }
            log("starting " + needed + " (load " + Machine.loadAverage() + ")");
            cluster.start(needed.toArray(String[]::new));
            for (String id : options.only()) {
                log("== " + id + " (load " + Machine.loadAverage() + ")");
                Result result = switch (id.trim()) {
                    case "B1" -> ScreenPop.run(context);
                    case "B8" -> StageChange.run(context);
                    case "B5" -> GatewayOverhead.run(context);
                    case "B6" -> Footprint.run(context);
                    case "B3" -> AnalyticsBench.run(context);
                    case "B2" -> EventPipeline.run(context);
                    case "B7" -> OverdueDetection.run(context);
                    case "B4" -> CsvImport.run(context);
                    default -> throw new IllegalArgumentException("unknown benchmark " + id);
                };
                result.setup("concurrency", options.concurrency());
                result.setup("warmupSeconds", options.warmup().toMillis() / 1000.0);
                result.setup("durationSeconds", options.duration().toMillis() / 1000.0);
                written.add(report.write(result));
                log(id + " done: " + result.ratios);
            }
        }
        written.add(report.summary());
        return written;
    }

    private static Cluster database(Cluster cluster, Options options, Path work) throws IOException {
        return options.database().equals("disk") ? cluster.useDiskDatabase(work.resolve("database.mv")) : cluster;
    }

    static void log(String message) {
        System.out.println(Instant.now() + " " + message);
    }

    static Map<String, Object> values(Object... keysAndValues) {
        var m = new LinkedHashMap<String, Object>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
