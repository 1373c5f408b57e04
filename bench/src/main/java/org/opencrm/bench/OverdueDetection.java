package org.opencrm.bench;

import com.mongodb.client.MongoCollection;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.bson.Document;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.Topics;

/**
 * B7, overdue detection at scale: tasks-service with N open tasks (each with the due-index entries the service
 * writes for it: DUE_SOON and OVERDUE, due in a year) and a few probe tasks created through the API that fall due
 * during a measured window. Measured: the time from each probe's due instant to its {@code TaskOverdue} event
 * ({@code occurredAt}, and when a consumer read it), and tasks-service's CPU per minute over the window (utime +
 * stime from /proc/<pid>/stat), plus the CPU of the harness JVM, which holds the database. The subject is N =
 * {@code --tasks} (1,000,000), the baseline 1,000 open tasks in the same tasks-service, measured first.
 */
final class OverdueDetection {

    static final int BASELINE_TASKS = 1_000;

    private OverdueDetection() {}

    static String taskId(int i) {
        return new UUID(0x0b7_0000_0000L, i).toString();
    }

    record Window(Load.Run run, Map<String, Object> figures, double p99Ms, double cpuPerMinute) {}

    static Result run(Bench.Context ctx) throws Exception {
        var options = ctx.options();
        var cluster = ctx.cluster();
        cluster.start("tasks");
        var tasks = cluster.service("tasks");
        var http = new Http(ctx.token());
        var db = ctx.mongo().getDatabase("crm-tasks");
        var collection = db.getCollection("tasks");
        var dueIndex = db.getCollection("due_index");

        var created = Http.ok(http.post(
                tasks.baseUrl() + "/api/tasks",
                Map.of(
                        "title",
                        "B7 template task",
                        "type",
                        "CALL",
                        "assigneeId",
                        "bench-admin",
                        "departmentId",
                        "sales",
                        "dueAt",
                        Instant.now().plus(Duration.ofDays(365)).toString()),
                null));
        String templateId = created.json().path("id").asString();
        var template = Templates.settled(collection, templateId, Duration.ofSeconds(60));
        var entries = new ArrayList<Document>();
        dueIndex.find(new Document("subject", templateId)).into(entries);
        if (entries.size() != 2) {
            throw new IllegalStateException(
                    "expected the DUE_SOON and OVERDUE entries of the template, got " + entries);
        }
        int total = Math.max(options.tasks(), BASELINE_TASKS);
        var result = new Result("B7", "Overdue detection at " + total + " open tasks vs " + BASELINE_TASKS);
        result.setup("openTasks", total)
                .setup("baselineOpenTasks", BASELINE_TASKS)
                .setup(
                        "loading",
                        "one task created through POST /api/tasks (due in a year), copied in its stored shape with its"
                                + " two due_index entries (DUE_SOON, OVERDUE) as the service writes them, insertMany in"
                                + " batches of 5,000")
                .setup(
                        "method",
                        "per size: " + options.b7Probes() + " probe tasks created through the API, due at even steps"
                                + " across a " + options.b7Window().toSeconds() + " s window; latency after due ="
                                + " TaskOverdue.occurredAt - dueAt (and when a Kafka consumer read it); CPU per minute of"
                                + " tasks-service from /proc/<pid>/stat over the window, and of the harness JVM (the"
                                + " embedded database) from its process CPU time. The baseline is measured first in the"
                                + " same tasks-service, then the data is grown to the subject's size.")
                .setup("scanInterval", "1 s (crm.tasks.sla.scan-interval), batch 500")
                .setup("database", cluster.mongoDescription());

        double loadSeconds = load(collection, dueIndex, template, entries, templateId, 1, BASELINE_TASKS - 1);
        var baseline = window(ctx, http, tasks, BASELINE_TASKS, "baseline");
        Bench.log("B7 loading " + (total - BASELINE_TASKS) + " more open tasks");
        loadSeconds +=
                load(collection, dueIndex, template, entries, templateId, BASELINE_TASKS, total - BASELINE_TASKS);
        Bench.log(String.format("B7 loaded in %.1f s", loadSeconds));
        result.setup("loadSeconds", Result.round(loadSeconds));
        var subject = window(ctx, http, tasks, total, "subject");

        result.add(baseline.run(), "baseline");
        result.add(subject.run(), "subject");
        result.figure("at " + BASELINE_TASKS + " open tasks", "baseline", baseline.figures());
        result.figure("at " + total + " open tasks", "subject", subject.figures());
        String name = total + " / " + BASELINE_TASKS + " open tasks";
        result.ratio(
                name,
                "latency after due p50",
                subject.run().millis(50),
                baseline.run().millis(50),
                true);
        double latency = result.ratio(name, "latency after due p99", subject.p99Ms(), baseline.p99Ms(), true);
        double cpu = result.ratio(
                name,
                "tasks-service CPU per minute",
                subject.cpuPerMinute(),
                Math.max(0.01, baseline.cpuPerMinute()),
                true);
        double dbBaseline = ((Number) baseline.figures().get("databaseCpuSecondsPerMinute")).doubleValue();
        double dbSubject = ((Number) subject.figures().get("databaseCpuSecondsPerMinute")).doubleValue();
        result.ratio(name, "database (harness JVM) CPU per minute", dbSubject, Math.max(0.01, dbBaseline), true);
        result.target("latency after due p99, " + name + " (same within 20%)", latency, "<=", 1.2);
        result.target("tasks-service CPU per minute, " + name + " (same within 20%)", cpu, "<=", 1.2);
        result.notes.add("tasks-service reads the due index as an _id range per kind every scan interval"
                + " ('<KIND>:' .. '<KIND>:<now millis>;', sorted by _id, limit 500): on MongoDB an index range scan"
                + " that touches only the entries due now. The harness's database (the test kit's"
                + " IdIndexedMemoryBackend since e894831) answers _id ranges from a sorted view of the _ids the same"
                + " way; before, each of the four range reads per scan examined every due_index entry (two per open"
                + " task). documentsExaminedPerMinute shows which.");
        result.notes.add("The probes' other effect, TaskDueSoon, fires at their creation (due within the 15 min lead);"
                + " escalation (30 min after due) is outside the window.");
        return result;
    }

    private static double load(
            MongoCollection<Document> collection,
            MongoCollection<Document> dueIndex,
            Document template,
            List<Document> entries,
            String templateId,
            int from,
            int count) {
        if (count <= 0) {
            return 0;
        }
        double seconds = Templates.insert(
                collection, from, count, i -> Templates.copy(template, Templates.map(templateId, taskId(i))));
        for (var entry : entries) {
            seconds += Templates.insert(
                    dueIndex, from, count, i -> Templates.copy(entry, Templates.map(templateId, taskId(i))));
        }
        return seconds;
    }

    private static Window window(Bench.Context ctx, Http http, ServiceProcess tasks, int openTasks, String role)
            throws Exception {
        var options = ctx.options();
        int probes = options.b7Probes();
        long windowMillis = options.b7Window().toMillis();
        // let the service settle after loading (GC, JIT) before the window
        ServiceProcess.sleep(Math.min(5_000, windowMillis / 4));
        Instant start = Instant.now().plusSeconds(2);
        long lead = Math.min(5_000, windowMillis / 6);
        long step = (windowMillis - 2 * lead) / Math.max(1, probes - 1);
        var dueAt = new ConcurrentHashMap<String, Instant>();
        for (int p = 0; p < probes; p++) {
            Instant due = start.plusMillis(lead + p * step);
            var answer = Http.ok(http.post(
                    tasks.baseUrl() + "/api/tasks",
                    Map.of(
                            "title", "B7 probe " + p,
                            "type", "CALL",
                            "assigneeId", "bench-admin",
                            "departmentId", "sales",
                            "dueAt", due.toString()),
                    null));
            dueAt.put(answer.json().path("id").asString(), due);
        }
        long wait = Duration.between(Instant.now(), start).toMillis();
        if (wait > 0) {
            ServiceProcess.sleep(wait);
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = tasks.cpuMillis();
        long db0 = os.getProcessCpuTime();
        long examined0 = ctx.cluster().documentsExamined();
        long t0 = System.nanoTime();
        var occurred = new Histogram(3);
        var seen = new Histogram(3);
        var perSecond = new ArrayList<Long>();
        var found = new ConcurrentHashMap<String, Boolean>();
        try (var consumer = consumer(ctx.cluster().kafka())) {
            long end = t0 + windowMillis * 1_000_000L;
            long giveUp = end + 60_000_000_000L;
            while (System.nanoTime() < end || (found.size() < probes && System.nanoTime() < giveUp)) {
                for (var record : consumer.poll(Duration.ofMillis(100))) {
                    var type = record.headers().lastHeader(EventHeaders.TYPE);
                    if (type == null || !new String(type.value(), StandardCharsets.UTF_8).contains(".TaskOverdue.")) {
                        continue;
                    }
                    var event = Http.JSON.readTree(record.value());
                    String id = event.path("aggregateId").asString();
                    Instant due = dueAt.get(id);
                    if (due == null || found.putIfAbsent(id, true) != null) {
                        continue;
                    }
                    Instant at = Instant.parse(event.path("occurredAt").asString());
                    occurred.recordValue(Math.max(1, Duration.between(due, at).toNanos() / 1_000));
                    seen.recordValue(
                            Math.max(1, Duration.between(due, Instant.now()).toNanos() / 1_000));
                    int second = (int) ((System.nanoTime() - t0) / 1_000_000_000L);
                    while (perSecond.size() <= second) {
                        perSecond.add(0L);
                    }
                    perSecond.set(second, perSecond.get(second) + 1);
                }
                if (System.nanoTime() >= end && found.size() >= probes) {
                    break;
                }
            }
        }
        // CPU over the window proper (not the wait for late events)
        double windowSeconds = Math.max(windowMillis / 1000.0, (System.nanoTime() - t0) / 1e9);
        double cpuPerMinute = (tasks.cpuMillis() - cpu0) / 1000.0 / windowSeconds * 60;
        double dbPerMinute = (os.getProcessCpuTime() - db0) / 1e9 / windowSeconds * 60;
        double examinedPerMinute = (ctx.cluster().documentsExamined() - examined0) / windowSeconds * 60;
        long missing = probes - found.size();
        var run = new Load.Run(
                "latency after due at " + openTasks + " open tasks",
                occurred,
                perSecond,
                missing,
                windowSeconds,
                missing > 0 ? missing + " probe(s) never reported overdue" : null);
        var figures = new LinkedHashMap<String, Object>();
        figures.put("openTasks", openTasks);
        figures.put("probes", probes);
        figures.put("overdueReported", found.size());
        figures.put("latencyAfterDueP50Ms", Result.round(occurred.getValueAtPercentile(50) / 1000.0));
        figures.put("latencyAfterDueP99Ms", Result.round(occurred.getValueAtPercentile(99) / 1000.0));
        figures.put("latencyAfterDueMaxMs", Result.round(occurred.getMaxValue() / 1000.0));
        figures.put("seenByConsumerP99Ms", Result.round(seen.getValueAtPercentile(99) / 1000.0));
        figures.put("windowSeconds", Result.round(windowSeconds));
        figures.put("tasksCpuSecondsPerMinute", Result.round(cpuPerMinute));
        figures.put("databaseCpuSecondsPerMinute", Result.round(dbPerMinute));
        figures.put("documentsExaminedPerMinute", Math.round(examinedPerMinute));
        figures.put("tasksRssMib", Result.round(tasks.rssMib()));
        Bench.log("B7 " + role + ": " + figures);
        return new Window(run, figures, occurred.getValueAtPercentile(99) / 1000.0, cpuPerMinute);
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap) {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-b7-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
        var consumer = new KafkaConsumer<String, String>(props);
        consumer.subscribe(List.of(Topics.TASKS));
        return consumer;
    }
}
