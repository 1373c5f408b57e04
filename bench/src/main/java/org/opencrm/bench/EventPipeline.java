package org.opencrm.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * B2, event pipeline: a deal's stage change ({@code POST /api/deals/{id}/stage}) is published by deals-service,
 * tasks-service's automation rule (trigger DealStageChanged, no conditions: every entered stage) creates a task,
 * notifications-service turns its {@code TaskCreated} into an in-app notification for the assignee (the deal's
 * owner). Changes are sent open loop at fixed rates; each change's end-to-end latency runs from its intended send
 * time (so a stalled sender does not hide queueing) to the in-app notification being stored, followed through
 * the broker by {@link PipelineProbe}. Baseline: Kafka's own {@code org.apache.kafka.tools.EndToEndLatency} on
 * the same broker (one produce-consume hop, acks=all).
 */
final class EventPipeline {

    /**
     * The pipeline lags by more than this many seconds of changes (at most {@link #MAX_LAG_CHANGES}): the rate is
     * not sustainable, stop early, so the backlog the next run waits for stays small.
     */
    static final double MAX_LAG_SECONDS = 3;

    static final long MAX_LAG_CHANGES = 600;

    /** After the last send, every change must be through within this: otherwise not sustainable. */
    static final Duration DRAIN = Duration.ofSeconds(5);

    private EventPipeline() {}

    static String dealId(int i) {
        return new UUID(0x0b2_0000_0000L, i).toString();
    }

    /** One open-loop run at a fixed rate. */
    record RateRun(
            int rate,
            Load.Run endToEnd,
            Load.Run api,
            long sent,
            long incomplete,
            boolean aborted,
            boolean sustainable,
            double seenP99Ms,
            Map<String, Object> hopsP50Ms,
            Map<String, Object> cpuMsPerChange) {}

    private record Setup(
            String base,
            String token,
            HttpClient client,
            List<String> open,
            int deals,
            int[] stages,
            String[] etags,
            AtomicIntegerArray busy,
            PipelineProbe probe,
            AtomicLong seq,
            Map<Long, Long> intended,
            Map<String, Long> pids,
            Map<String, Double> idleCpuMsPerSecond) {}

    static Result run(Bench.Context ctx) throws Exception {
        var options = ctx.options();
        var cluster = ctx.cluster();
        cluster.start("deals", "tasks", "notifications");
        var deals = cluster.service("deals");
        var tasks = cluster.service("tasks");
        var http = new Http(ctx.token());

        // the tenant's rule, through tasks-service's API: every entered stage gives the deal's owner a task
        Http.ok(http.post(
                tasks.baseUrl() + "/api/automation-rules",
                Map.of(
                        "name", "B2: follow up every stage",
                        "trigger", "DealStageChanged",
                        "createTask",
                                Map.of(
                                        "titleTemplate", "Follow up {deal.title} in {deal.stage}",
                                        "type", "CALL",
                                        "priority", "NORMAL",
                                        "assignee", Map.of("mode", "DEAL_OWNER"),
                                        "dueIn", "P7D")),
                null));

        var collection = ctx.mongo().getDatabase("crm-deals").getCollection("deals");
        var pipelines = Http.ok(http.get(deals.baseUrl() + "/api/pipelines")).json();
        var pipeline =
                pipelines.isArray() ? pipelines.get(0) : pipelines.path("items").get(0);
        var open = new ArrayList<String>();
        for (var stage : pipeline.path("stages")) {
            if (stage.path("kind").asString().equals("OPEN")) {
                open.add(stage.path("key").asString());
            }
        }
        var created = Http.ok(http.post(
                deals.baseUrl() + "/api/deals",
                Map.of(
                        "title",
                        "B2 deal",
                        "pipelineId",
                        pipeline.path("id").asString(),
                        "amount",
                        Map.of("amount", 1000, "currency", "EUR"),
                        "source",
                        "bench"),
                null));
        String templateId = created.json().path("id").asString();
        int first = Math.max(0, open.indexOf(created.json().path("stage").asString()));
        var template = Templates.settled(collection, templateId, Duration.ofSeconds(60));
        int n = options.b2Deals();
        double loadSeconds =
                Templates.insert(collection, 0, n, i -> Templates.copy(template, Templates.map(templateId, dealId(i))));
        var stages = new int[n];
        java.util.Arrays.fill(stages, first);
        // the copies have the template's version, so its ETag; each answer gives the deal's next one
        var etags = new String[n];
        java.util.Arrays.fill(etags, created.etag());

        var result = new Result("B2", "Event pipeline: stage change -> task created -> in-app notification stored");
        result.setup("deals", n)
                .setup("loadSeconds", Result.round(loadSeconds))
                .setup(
                        "pipeline",
                        "POST /api/deals/{id}/stage (deals-service, outbox -> crm.deals.v1) -> automation rule"
                                + " 'on DealStageChanged create a CALL task for the deal owner, due in 7 days' (tasks-service,"
                                + " outbox -> crm.tasks.v1) -> TaskCreated routed to the assignee IN_APP + EMAIL"
                                + " (notifications-service; the owner is in no team, so EMAIL is suppressed NO_ADDRESS) ->"
                                + " in-app notification stored, NotificationSent on crm.notifications.v1")
                .setup(
                        "method",
                        "open loop: change k is due at start + k/rate and sent asynchronously (java.net.http) to the next"
                                + " free deal of the pool (one change in flight per deal, with its If-Match), moving it to its next open stage, comment 'b2:<seq>'. End to end ="
                                + " NotificationSent.occurredAt (taken right after the in-app notification is stored) minus"
                                + " the change's intended send time; the chain is followed by a Kafka consumer on the three"
                                + " topics (DealStageChanged.comment -> TaskCreated.sourceEventId ->"
                                + " NotificationSent.sourceEventId). A rate is sustainable when no call failed, the pipeline"
                                + " never lagged more than " + MAX_LAG_SECONDS
                                + " s of changes and every change was through"
                                + " within " + DRAIN.toSeconds() + " s of the last send.")
                .setup("rates", options.b2Rates())
                .setup("partitions", partitions(cluster.kafka()))
                .setup("database", cluster.mongoDescription());

        var client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        try (var probe = new PipelineProbe(cluster.kafka())) {
            var pids = pids(cluster);
            var setup = new Setup(
                    deals.baseUrl(),
                    ctx.token(),
                    client,
                    open,
                    n,
                    stages,
                    etags,
                    new AtomicIntegerArray(n),
                    probe,
                    new AtomicLong(),
                    new java.util.concurrent.ConcurrentHashMap<>(),
                    pids,
                    idleCpu(pids, IDLE_WINDOW));
            result.setup("idleCpuMsPerSecond", new LinkedHashMap<>(setup.idleCpuMsPerSecond()));
            int warmRate = Math.min(100, options.b2Rates().getFirst());
            Bench.log("B2 warm-up at " + warmRate + "/s for " + options.warmup().toSeconds() + " s");
            runRate(setup, warmRate, options.warmup(), "warm-up");

            var runs = new ArrayList<RateRun>();
            for (int rate : options.b2Rates()) {
                runs.add(runRate(setup, rate, options.duration(), "fixed"));
            }
            // the highest sustainable rate: bisect between the fixed rates' verdicts
            int lo = 0;
            int hi = Integer.MAX_VALUE;
            for (var r : runs) {
                if (r.sustainable()) {
                    lo = Math.max(lo, r.rate());
                } else {
                    hi = Math.min(hi, r.rate());
                }
            }
            if (hi < lo) {
                hi = Integer.MAX_VALUE; // a lower rate failed by chance, a higher one passed: search above
            }
            var searched = new ArrayList<RateRun>();
            for (int step = 0; step < options.b2SearchSteps(); step++) {
                int rate = hi == Integer.MAX_VALUE ? Math.max(1, lo * 2) : (lo + hi) / 2;
                if (rate <= lo || rate >= hi || (hi != Integer.MAX_VALUE && hi - lo <= Math.max(10, lo / 10))) {
                    break;
                }
                var r = runRate(setup, rate, options.duration(), "search");
                searched.add(r);
                if (r.sustainable()) {
                    lo = rate;
                } else {
                    hi = rate;
                }
            }

            var baseline = kafkaEndToEnd(cluster, options.b2KafkaMessages());
            double kafkaP50 = Math.max(1.0, baseline.get("p50Ms"));
            double kafkaP99 = Math.max(1.0, baseline.get("p99Ms"));
            result.figure("kafka EndToEndLatency", "baseline", new LinkedHashMap<>(baseline));

            for (var r : runs) {
                add(result, r);
                result.ratio(
                        "end to end at " + r.rate() + "/s / Kafka EndToEndLatency",
                        "p50",
                        r.endToEnd().millis(50),
                        kafkaP50,
                        true);
                result.ratio(
                        "end to end at " + r.rate() + "/s / Kafka EndToEndLatency",
                        "p99",
                        r.endToEnd().millis(99),
                        kafkaP99,
                        true);
                if (r.rate() == 500) {
                    result.target(
                            "end-to-end p99 (ms) at 500 changes/s", r.endToEnd().millis(99), "<", 250);
                }
            }
            for (var r : searched) {
                add(result, r);
            }
            result.figure(
                    "highest sustainable rate",
                    "subject",
                    Bench.values(
                            "changesPerSecond",
                            lo,
                            "firstUnsustainableRate",
                            hi == Integer.MAX_VALUE ? null : hi,
                            "searchSteps",
                            searched.size()));
            var rss = new LinkedHashMap<String, Object>();
            for (String name : List.of("deals", "tasks", "notifications")) {
                rss.put(name + "RssMib", Result.round(cluster.service(name).rssMib()));
            }
            result.figure("RSS after the runs (B6 under B2 load)", "subject", rss);
            result.notes.add("Kafka's EndToEndLatency reports whole milliseconds; a reported 0 is counted as its"
                    + " resolution, 1 ms, in the ratios. It times one produce + consume of a 1 KiB record (acks=all),"
                    + " one message at a time; the pipeline makes three such hops, each behind a database write and"
                    + " an outbox relay, plus the notification's claim and store.");
            result.notes.add("On the embedded database the filters that pin _id use the _id index (the test kit's"
                    + " backend); those on other fields (the dispatcher's claim of due deliveries by status and time, the"
                    + " outbox sweeper's claim of due markers, the rule lookup by tenant and trigger) scan their"
                    + " collection, and the rule's tasks and the deliveries grow during the run; on MongoDB those use"
                    + " the services' secondary indexes.");
        }
        return result;
    }

    /** Partitions of the pipeline's topics as the services left them (each listener has as many threads). */
    static Map<String, Object> partitions(String bootstrap) {
        var result = new LinkedHashMap<String, Object>();
        try (var admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            var topics = List.of(
                    org.opencrm.events.Topics.DEALS,
                    org.opencrm.events.Topics.TASKS,
                    org.opencrm.events.Topics.NOTIFICATIONS);
            var described = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
            topics.forEach(t -> result.put(t, described.get(t).partitions().size()));
        } catch (Exception e) {
            result.put("error", String.valueOf(e.getMessage()));
        }
        return result;
    }

    private static void add(Result result, RateRun r) {
        var m = result.add(r.endToEnd(), "subject");
        m.put("offeredPerSecond", r.rate());
        m.put("sent", r.sent());
        m.put("incomplete", r.incomplete());
        m.put("aborted", r.aborted());
        m.put("sustainable", r.sustainable());
        m.put("seenByConsumerP99Ms", Result.round(r.seenP99Ms()));
        m.put("hopsP50Ms", r.hopsP50Ms());
        m.put("cpuMsPerChange", r.cpuMsPerChange());
        var a = result.add(r.api(), "subject (API part)");
        a.put("offeredPerSecond", r.rate());
    }

    private static RateRun runRate(Setup s, int rate, Duration duration, String kind) {
        String label = "end to end at " + rate + "/s" + (kind.equals("search") ? " (search)" : "");
        long period = 1_000_000_000L / rate;
        var api = new Recorder(3);
        var errors = new AtomicLong();
        var inFlight = new AtomicLong();
        var firstError = new AtomicReference<String>();
        long seqStart = s.seq().get();
        var cpuAtStart = cpuMillis(s.pids());
        long cpuStartNanos = System.nanoTime();
        long completedAtStart = s.probe().completed();
        long startNanos = System.nanoTime();
        long startMicros = PipelineProbe.micros(Instant.now());
        long end = startNanos + duration.toNanos();
        long maxLag = Math.max(50, Math.min(MAX_LAG_CHANGES, (long) (rate * MAX_LAG_SECONDS)));
        boolean aborted = false;
        int cursor = 0;
        for (long k = 0; ; k++) {
            long intended = startNanos + k * period;
            if (intended >= end) {
                break;
            }
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long sent = s.seq().get() - seqStart;
            if (System.nanoTime() - startNanos > 1_000_000_000L
                    && (inFlight.get() > maxLag || sent - (s.probe().completed() - completedAtStart) > maxLag)) {
                aborted = true;
                break;
            }
            int deal = -1;
            for (int tries = 0; tries < s.deals(); tries++) {
                int candidate = cursor++ % s.deals();
                if (s.busy().compareAndSet(candidate, 0, 1)) {
                    deal = candidate;
                    break;
                }
            }
            if (deal < 0) {
                aborted = true;
                break;
            }
            long seq = s.seq().getAndIncrement();
            s.intended().put(seq, startMicros + (intended - startNanos) / 1_000);
            int i = deal;
            int next = (s.stages()[i] + 1) % s.open().size();
            var request = HttpRequest.newBuilder(URI.create(s.base() + "/api/deals/" + dealId(i) + "/stage"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + s.token())
                    .header("Content-Type", "application/json")
                    .header("If-Match", s.etags()[i])
                    .POST(HttpRequest.BodyPublishers.ofString("{\"stage\":\""
                            + s.open().get(next) + "\",\"comment\":\"" + PipelineProbe.PREFIX + seq + "\"}"))
                    .build();
            inFlight.incrementAndGet();
            s.client().sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
                inFlight.decrementAndGet();
                if (failure == null && response.statusCode() / 100 == 2) {
                    s.stages()[i] = next;
                    s.etags()[i] = response.headers().firstValue("ETag").orElse(s.etags()[i]);
                    if (!kind.equals("warm-up")) {
                        api.recordValue(Math.max(1, (System.nanoTime() - intended) / 1_000));
                    }
                } else {
                    errors.incrementAndGet();
                    firstError.compareAndSet(
                            null,
                            failure != null
                                    ? failure.toString()
                                    : "HTTP " + response.statusCode() + ": " + response.body());
                }
                s.busy().set(i, 0);
            });
        }
        long seqEnd = s.seq().get();
        long sendEndNanos = System.nanoTime();
        double seconds = (sendEndNanos - startNanos) / 1e9;
        // every change through within DRAIN of the last send, or not sustainable
        long drainUntil = sendEndNanos + DRAIN.toNanos();
        while (System.nanoTime() < drainUntil && completed(s, seqStart, seqEnd) + errors.get() < seqEnd - seqStart) {
            ServiceProcess.sleep(20);
        }
        long incomplete = seqEnd - seqStart - completed(s, seqStart, seqEnd) - errors.get();
        // let a backlog finish before the next run (without counting it), as long as it makes progress
        long last = -1;
        long stalledSince = System.nanoTime();
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (completed(s, seqStart, seqEnd) + errors.get() < seqEnd - seqStart
                && System.nanoTime() - stalledSince < TimeUnit.SECONDS.toNanos(15)
                && System.nanoTime() < waitUntil) {
            long now = completed(s, seqStart, seqEnd);
            if (now != last) {
                last = now;
                stalledSince = System.nanoTime();
            }
            ServiceProcess.sleep(200);
        }
        var cpuMsPerChange = cpuPerChange(
                cpuAtStart,
                cpuMillis(s.pids()),
                s.idleCpuMsPerSecond(),
                (System.nanoTime() - cpuStartNanos) / 1e9,
                completed(s, seqStart, seqEnd));
        var e2e = new Histogram(3);
        var seen = new Histogram(3);
        String[] hopNames = {
            "API call -> deal saved",
            "deal saved -> DealStageChanged read from Kafka",
            "DealStageChanged read -> task saved",
            "task saved -> TaskCreated read from Kafka",
            "TaskCreated read -> in-app notification stored"
        };
        var hops = new Histogram[hopNames.length];
        for (int h = 0; h < hops.length; h++) {
            hops[h] = new Histogram(3);
        }
        var perSecond = new ArrayList<Long>();
        for (long q = seqStart; q < seqEnd; q++) {
            var done = s.probe().done(q);
            Long intended = s.intended().get(q);
            if (done == null || intended == null) {
                continue;
            }
            e2e.recordValue(Math.max(1, done.storedMicros() - intended));
            long[] at = {
                intended,
                done.dealSavedMicros(),
                done.dealSeenMicros(),
                done.taskSavedMicros(),
                done.taskSeenMicros(),
                done.storedMicros()
            };
            for (int h = 0; h < hops.length; h++) {
                hops[h].recordValue(Math.max(1, at[h + 1] - at[h]));
            }
            seen.recordValue(Math.max(1, done.seenMicros() - intended));
            int second = (int) ((done.storedMicros() - startMicros) / 1_000_000L);
            while (perSecond.size() <= second) {
                perSecond.add(0L);
            }
            perSecond.set(second, perSecond.get(second) + 1);
        }
        boolean sustainable = !aborted && errors.get() == 0 && incomplete == 0;
        var hopsP50 = new LinkedHashMap<String, Object>();
        for (int h = 0; h < hops.length; h++) {
            hopsP50.put(hopNames[h], Result.round(hops[h].getValueAtPercentile(50) / 1000.0));
        }
        Bench.log("B2 " + rate + "/s hops p50 ms: " + hopsP50);
        Bench.log("B2 " + rate + "/s CPU ms per change: " + cpuMsPerChange);
        var apiHistogram = api.getIntervalHistogram();
        Bench.log(String.format(
                "B2 %s %d/s: sent %d, through %d, incomplete %d, errors %d%s, p50 %.1f ms, p99 %.1f ms, API p99 %.1f ms -> %s",
                kind,
                rate,
                seqEnd - seqStart,
                e2e.getTotalCount(),
                incomplete,
                errors.get(),
                aborted ? ", ABORTED (lag)" : "",
                e2e.getValueAtPercentile(50) / 1000.0,
                e2e.getValueAtPercentile(99) / 1000.0,
                apiHistogram.getValueAtPercentile(99) / 1000.0,
                sustainable ? "sustainable" : "not sustainable"));
        return new RateRun(
                rate,
                new Load.Run(label, e2e, perSecond, errors.get(), seconds, firstError.get()),
                new Load.Run(
                        "stage change API at " + rate + "/s", apiHistogram, List.of(), errors.get(), seconds, null),
                seqEnd - seqStart,
                incomplete,
                aborted,
                sustainable,
                seen.getValueAtPercentile(99) / 1000.0,
                hopsP50,
                cpuMsPerChange);
    }

    /**
     * The processes whose CPU a change costs: the three services, the broker (a child JVM running
     * {@code kafka.Kafka}) and this JVM, which holds the database, the load generator and the probe.
     */
    private static Map<String, Long> pids(Cluster cluster) {
        var pids = new LinkedHashMap<String, Long>();
        for (String name : List.of("deals", "tasks", "notifications")) {
            pids.put(name + "-service", cluster.service(name).pid());
        }
        ProcessHandle.current()
                .children()
                .filter(p -> commandLine(p.pid()).contains("\0kafka.Kafka\0"))
                .findFirst()
                .ifPresent(p -> pids.put("kafka broker", p.pid()));
        pids.put("harness (database, load, probe)", ProcessHandle.current().pid());
        return pids;
    }

    /** /proc's command line, NUL-separated (ProcessHandle.Info drops the arguments of a long command line). */
    private static String commandLine(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/cmdline"), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static Map<String, Long> cpuMillis(Map<String, Long> pids) {
        var cpu = new LinkedHashMap<String, Long>();
        pids.forEach((name, pid) -> cpu.put(name, Machine.cpuMillis(pid)));
        return cpu;
    }

    /** How long the idle CPU of the pipeline's processes is measured before the warm-up. */
    static final Duration IDLE_WINDOW = Duration.ofSeconds(10);

    /** CPU milliseconds per second each process spends with no change in flight (sweepers, scanners, polls). */
    private static Map<String, Double> idleCpu(Map<String, Long> pids, Duration window) {
        var before = cpuMillis(pids);
        long start = System.nanoTime();
        ServiceProcess.sleep(window.toMillis());
        var after = cpuMillis(pids);
        double seconds = (System.nanoTime() - start) / 1e9;
        var idle = new LinkedHashMap<String, Double>();
        before.forEach((name, ms) -> idle.put(name, Result.round((after.get(name) - ms) / seconds)));
        Bench.log("B2 idle CPU ms per second: " + idle);
        return idle;
    }

    /**
     * CPU milliseconds each process spent per change that got through, above its idle CPU, from the run's start
     * until its backlog drained. With the machine's cores this bounds the rate the pipeline could sustain even
     * with nothing else running: cores x 1,000 / total ms per change.
     */
    private static Map<String, Object> cpuPerChange(
            Map<String, Long> before,
            Map<String, Long> after,
            Map<String, Double> idlePerSecond,
            double seconds,
            long changes) {
        var perChange = new LinkedHashMap<String, Object>();
        double total = 0;
        for (var e : before.entrySet()) {
            double spent = after.getOrDefault(e.getKey(), -1L)
                    - e.getValue()
                    - idlePerSecond.getOrDefault(e.getKey(), 0.0) * seconds;
            if (e.getValue() < 0 || changes == 0) {
                continue;
            }
            double ms = Math.max(0, spent) / changes;
            total += ms;
            perChange.put(e.getKey(), Result.round(ms));
        }
        perChange.put("total", Result.round(total));
        int cores = Runtime.getRuntime().availableProcessors();
        perChange.put(
                "ceilingChangesPerSecondOn" + cores + "Cores", total > 0 ? Result.round(cores * 1000 / total) : null);
        return perChange;
    }

    private static long completed(Setup s, long from, long to) {
        long c = 0;
        for (long q = from; q < to; q++) {
            if (s.probe().done(q) != null) {
                c++;
            }
        }
        return c;
    }

    private static final Pattern AVG = Pattern.compile("Avg latency: ([0-9.]+) ms");
    private static final Pattern PERCENTILES =
            Pattern.compile("Percentiles: 50th = ([0-9]+), 99th = ([0-9]+), 99.9th = ([0-9]+)");

    /** Kafka's own EndToEndLatency tool on the harness's broker, in a child JVM: avg, p50, p99, p99.9 in ms. */
    static Map<String, Double> kafkaEndToEnd(Cluster cluster, int messages) throws IOException, InterruptedException {
        Path log = cluster.logs().resolve("kafka-end-to-end-latency.log");
        var command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                "org.apache.kafka.tools.EndToEndLatency",
                cluster.kafka(),
                "bench-end-to-end-latency",
                Integer.toString(messages),
                "all",
                "1024");
        Bench.log("B2 baseline: " + String.join(" ", command.subList(4, command.size())));
        var process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("EndToEndLatency did not finish; log: " + log);
        }
        String out = Files.readString(log);
        var avg = AVG.matcher(out);
        var pct = PERCENTILES.matcher(out);
        if (process.exitValue() != 0 || !avg.find() || !pct.find()) {
            throw new IllegalStateException("EndToEndLatency failed (exit " + process.exitValue() + "): " + out);
        }
        var m = new LinkedHashMap<String, Double>();
        m.put("messages", (double) messages);
        m.put("messageBytes", 1024.0);
        m.put("avgMs", Double.parseDouble(avg.group(1)));
        m.put("p50Ms", Double.parseDouble(pct.group(1)));
        m.put("p99Ms", Double.parseDouble(pct.group(2)));
        m.put("p999Ms", Double.parseDouble(pct.group(3)));
        return m;
    }
}
