package org.opencrm.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * B4, CSV import: a file of N rows (10% of them repeat an earlier row's phone number, so the duplicate rule
 * skips them) uploaded to {@code POST /api/contacts/imports} with policy SKIP, the job followed to its end:
 * rows/s from the job's own start and finish times, and contacts-service's heap (from its Prometheus endpoint)
 * and RSS (/proc) sampled every second; memory flat = the live set (the old generation after each full
 * collection, {@code jvm_gc_live_data_size_bytes}) does not grow from the job's second quarter to its last, i.e.
 * the import holds a batch, not the file (heap used and RSS only show the heap filling up to its cap). Baseline: the
 * same file read and parsed, nothing stored, by the service's own CSV reader
 * ({@code org.opencrm.contacts.transfer.CsvReader}, loaded from the service's jar) in the harness JVM.
 */
final class CsvImport {

    static final String HEADER = "First name,Last name,Phone,E-mail";

    private CsvImport() {}

    /** Row i (0-based); every tenth row (i % 10 == 7) repeats the phone of row i - 7. */
    static String row(int i) {
        int phone = i % 10 == 7 ? i - 7 : i;
        return "Client" + i + ",Row" + i + ",+7917" + String.format("%07d", phone) + ",i" + i + "@example.com";
    }

    static Path file(Path dir, int rows) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("import-" + rows + ".csv");
        if (Files.isRegularFile(file)) {
            return file;
        }
        Path tmp = dir.resolve("import-" + rows + ".csv.tmp");
        try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            out.write(HEADER);
            out.write('\n');
            for (int i = 0; i < rows; i++) {
                out.write(row(i));
                out.write('\n');
            }
        }
        Files.move(tmp, file);
        return file;
    }

    static Result run(Bench.Context ctx) throws Exception {
        var options = ctx.options();
        var cluster = ctx.cluster();
        cluster.start("contacts");
        var contacts = cluster.service("contacts");
        int rows = options.importRows();
        Path csv = file(cluster.logs().getParent().resolve("data"), rows);
        long bytes = Files.size(csv);

        var result = new Result("B4", "CSV import of " + rows + " rows with 10% duplicates vs parsing the file alone");
        result.setup("rows", rows)
                .setup("fileBytes", bytes)
                .setup("file", HEADER + "; every tenth row repeats an earlier row's phone (10% duplicates)")
                .setup(
                        "request",
                        "POST /api/contacts/imports (multipart file + options {duplicatePolicy: SKIP, mapping}),"
                                + " ADMIN token; then GET /api/contacts/imports/{id} every second until COMPLETED")
                .setup(
                        "method",
                        "rows/s = rows read / (finishedAt - startedAt) of the job; heap = sum of"
                                + " jvm_memory_used_bytes{area=heap} from /actuator/prometheus, RSS from /proc, both every"
                                + " second while the job runs; live set = jvm_gc_live_data_size_bytes (the old generation"
                                + " after a full collection) read at each second that saw a new full GC (the harness asks"
                                + " for one every " + FULL_GC_EVERY_SECONDS + " s with jcmd GC.run); memory flat ="
                                + " its mean over the job's last quarter / its mean over the second quarter <= 1.2")
                .setup(
                        "baseline",
                        "the same file read and parsed with contacts-service's CsvReader (loaded from its jar), no"
                                + " validation, nothing stored, in the harness JVM; best of two passes")
                .setup("database", cluster.mongoDescription());

        var baseline = parseOnly(cluster.unpacked("contacts"), csv);
        result.figure("parse only (CsvReader)", "baseline", baseline);
        double parseRate = ((Number) baseline.get("rowsPerSecond")).doubleValue();

        var http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        String boundary = "bench" + UUID.randomUUID();
        String options1 = "{\"duplicatePolicy\": \"SKIP\", \"defaultDepartmentId\": \"sales\", \"mapping\": {\"First"
                + " name\": \"firstName\", \"Last name\": \"lastName\", \"Phone\": \"phones\", \"E-mail\":"
                + " \"emails\"}}";
        String head = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"options\"\r\n"
                + "Content-Type: application/json\r\n\r\n"
                + options1 + "\r\n"
                + "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"" + csv.getFileName() + "\"\r\n"
                + "Content-Type: text/csv\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        var upload = HttpRequest.newBuilder(URI.create(contacts.baseUrl() + "/api/contacts/imports"))
                .timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + ctx.token())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(
                        HttpRequest.BodyPublishers.ofString(head),
                        HttpRequest.BodyPublishers.ofFile(csv),
                        HttpRequest.BodyPublishers.ofString(tail)))
                .build();
        long t0 = System.nanoTime();
        Bench.log("B4 uploading " + csv + " (" + bytes / 1024 / 1024 + " MiB)");
        var accepted = http.send(upload, HttpResponse.BodyHandlers.ofString());
        if (accepted.statusCode() != 202) {
            throw new IllegalStateException("import upload: HTTP " + accepted.statusCode() + " " + accepted.body());
        }
        double uploadSeconds = (System.nanoTime() - t0) / 1e9;
        String id = Http.JSON.readTree(accepted.body()).path("id").asString();
        var api = new Http(ctx.token());
        var heap = new ArrayList<double[]>();
        var live = new ArrayList<double[]>();
        var rss = new ArrayList<double[]>();
        double majorGcs = -1;
        double nextFullGc = FULL_GC_EVERY_SECONDS;
        var rowsRead = new ArrayList<double[]>();
        JsonNode job;
        boolean stopped = false;
        while (true) {
            job = Http.ok(api.get(contacts.baseUrl() + "/api/contacts/imports/" + id))
                    .json();
            double second = (System.nanoTime() - t0) / 1e9;
            long read = job.path("rowsRead").asLong();
            rowsRead.add(new double[] {second, read});
            rss.add(new double[] {second, contacts.rssMib()});
            var memory = Memory.of(contacts);
            if (memory.heapMib() >= 0) {
                heap.add(new double[] {second, memory.heapMib()});
            }
            // a point per full collection: the old generation right after it is the live set, what "flat" is about
            if (memory.majorGcs() > majorGcs && majorGcs >= 0 && memory.liveMib() >= 0) {
                live.add(new double[] {second, memory.liveMib()});
            }
            majorGcs = Math.max(majorGcs, memory.majorGcs());
            if (second >= nextFullGc) {
                // the JVM's own full collections come when they come (four in a 21-minute job, none in its second
                // quarter): ask for one regularly so the live set is measured through the whole job
                fullGc(contacts);
                nextFullGc += FULL_GC_EVERY_SECONDS;
            }
            String status = job.path("status").asString();
            if (!status.equals("QUEUED") && !status.equals("RUNNING")) {
                break;
            }
            if (second > options.importTimeout().toSeconds()) {
                // report the part that ran: a long run on a busy machine is measurement too, not a crash
                stopped = true;
                break;
            }
            ServiceProcess.sleep(1_000);
        }
        if (!stopped && !job.path("status").asString().equals("COMPLETED")) {
            throw new IllegalStateException("import " + id + " ended " + job);
        }
        double wallSeconds = (System.nanoTime() - t0) / 1e9;
        double jobSeconds = Duration.between(
                                Instant.parse(job.path("startedAt").asString()),
                                stopped
                                        ? Instant.now()
                                        : Instant.parse(job.path("finishedAt").asString()))
                        .toMillis()
                / 1000.0;
        long read = job.path("rowsRead").asLong();
        double rate = read / Math.max(0.001, jobSeconds);
        var figures = new LinkedHashMap<String, Object>();
        figures.put("finished", !stopped);
        figures.put("rowsRead", read);
        figures.put("created", job.path("created").asLong());
        figures.put("skipped", job.path("skipped").asLong());
        figures.put("rejected", job.path("rejected").asLong());
        figures.put("uploadSeconds", Result.round(uploadSeconds));
        figures.put("jobSeconds", Result.round(jobSeconds));
        figures.put("wallSecondsUploadToCompleted", Result.round(wallSeconds));
        figures.put("rowsPerSecond", Result.round(rate));
        figures.putAll(memory("rssMib", rss));
        figures.putAll(memory("heapMib", heap));
        double liveGrowth = liveGrowth(live, wallSeconds);
        figures.put("fullGcsDuringJob", live.size());
        if (!live.isEmpty()) {
            figures.put("liveMibAfterFullGcFirst", Result.round(live.getFirst()[1]));
            figures.put("liveMibAfterFullGcLast", Result.round(live.getLast()[1]));
            figures.put(
                    "liveMibAfterFullGcMax",
                    Result.round(live.stream().mapToDouble(v -> v[1]).max().orElse(0)));
        }
        result.figure("import through contacts-service", "subject", figures);
        Bench.log("B4 import: " + figures);
        var memorySeries = new LinkedHashMap<String, List<double[]>>();
        memorySeries.put("contacts-service RSS", rss);
        if (!heap.isEmpty()) {
            memorySeries.put("contacts-service heap used", heap);
        }
        if (!live.isEmpty()) {
            memorySeries.put("contacts-service old generation after each full GC (live set)", live);
        }
        result.timeCharts.add(new Result.TimeChart("memory over time", "MiB", memorySeries));
        result.timeCharts.add(new Result.TimeChart("rows read over time", "rows read", Map.of("import job", rowsRead)));
        // time per row rather than rows/s: the import is three or four orders of magnitude slower than parsing
        result.ratio("import / parse only", "seconds per row", 1 / rate, 1 / parseRate, true);
        double rssGrowth = ((Number) figures.get("rssMibLastQuarterAvg")).doubleValue()
                / Math.max(1, ((Number) figures.get("rssMibFirstQuarterAvg")).doubleValue());
        result.ratio("RSS last quarter / first quarter of the job", "RSS", rssGrowth, 1.0, true);
        if (Double.isNaN(liveGrowth)) {
            result.notes.add("Memory flat not judged: no full collection in both the second and the last quarter of"
                    + " the job (" + live.size() + " full GCs in all), so the live set was not measured twice.");
        } else {
            result.ratio(
                    "live set after full GC, last quarter / second quarter of the job", "heap", liveGrowth, 1.0, true);
            result.target(
                    "memory flat: live set after full GC, last quarter / second quarter of the job",
                    liveGrowth,
                    "<=",
                    1.2);
        }
        if (stopped) {
            result.notes.add("NOT FINISHED: stopped by --import-timeout "
                    + options.importTimeout().toSeconds()
                    + " s with the job still " + job.path("status").asString() + " at " + read + " of " + rows
                    + " rows; rows/s and the memory figures cover the part that ran.");
        }
        result.notes.add("Expected: " + (rows - rows / 10) + " created, " + rows / 10
                + " skipped as duplicates; each created card is also a ContactCreated event through the outbox's"
                + " bulk path, published by the relay while the job runs.");
        result.notes.add("The service runs with -Xmx256m like the local run: a heap that held the file or all the"
                + " cards would fail, not just grow.");
        return result;
    }

    private static Map<String, Object> memory(String name, List<double[]> series) {
        var m = new LinkedHashMap<String, Object>();
        if (series.isEmpty()) {
            return m;
        }
        int q = Math.max(1, series.size() / 4);
        double first = 0;
        double last = 0;
        double max = 0;
        for (int i = 0; i < series.size(); i++) {
            double v = series.get(i)[1];
            max = Math.max(max, v);
            if (i < q) {
                first += v;
            }
            if (i >= series.size() - q) {
                last += v;
            }
        }
        m.put(name + "FirstQuarterAvg", Result.round(first / q));
        m.put(name + "LastQuarterAvg", Result.round(last / q));
        m.put(name + "Max", Result.round(max));
        return m;
    }

    /**
     * Mean live set (old generation after a full collection) over the job's last quarter divided by the mean over
     * its second quarter, or NaN without a full collection in both. The first quarter is left out: the JVM is
     * still loading classes and sizing its heap there.
     */
    static double liveGrowth(List<double[]> live, double seconds) {
        double second = average(live, seconds / 4, seconds / 2);
        double last = average(live, seconds * 3 / 4, Double.MAX_VALUE);
        return Double.isNaN(second) || Double.isNaN(last) ? Double.NaN : last / second;
    }

    private static double average(List<double[]> series, double from, double to) {
        return series.stream()
                .filter(v -> v[0] >= from && v[0] < to)
                .mapToDouble(v -> v[1])
                .average()
                .orElse(Double.NaN);
    }

    /** How often the harness asks contacts-service for a full collection while the job runs. */
    static final int FULL_GC_EVERY_SECONDS = 30;

    /** {@code jcmd <pid> GC.run}: a full collection now, which Micrometer then reports as the live set. */
    private static void fullGc(ServiceProcess service) {
        var jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            var process = new ProcessBuilder(jcmd.toString(), Long.toString(service.pid()), "GC.run")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            Bench.log("B4: jcmd GC.run failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final Pattern HEAP_LINE =
            Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.eE+-]+)");

    private static final Pattern LIVE_LINE = Pattern.compile("^jvm_gc_live_data_size_bytes(\\{[^}]*})? ([0-9.eE+-]+)");

    private static final Pattern MAJOR_GC_LINE =
            Pattern.compile("^jvm_gc_pause_seconds_count\\{[^}]*action=\"end of major GC\"[^}]*} ([0-9.eE+-]+)");

    /**
     * One reading of the service's Prometheus endpoint: heap used, the live set Micrometer records after each full
     * collection ({@code jvm_gc_live_data_size_bytes}: the old generation after a major GC) and the number of full
     * collections so far; -1 for what cannot be read.
     */
    record Memory(double heapMib, double liveMib, double majorGcs) {

        static Memory of(ServiceProcess service) {
            try {
                var client = HttpClient.newHttpClient();
                var answer = client.send(
                        HttpRequest.newBuilder(URI.create(service.baseUrl() + "/actuator/prometheus"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 200) {
                    return new Memory(-1, -1, -1);
                }
                double heap = -1;
                double live = -1;
                double majors = 0;
                for (String line : answer.body().split("\n")) {
                    var h = HEAP_LINE.matcher(line);
                    if (h.find()) {
                        heap = Math.max(0, heap) + Double.parseDouble(h.group(1));
                    }
                    var l = LIVE_LINE.matcher(line);
                    if (l.find()) {
                        live = Double.parseDouble(l.group(2));
                    }
                    var g = MAJOR_GC_LINE.matcher(line);
                    if (g.find()) {
                        majors += Double.parseDouble(g.group(1));
                    }
                }
                return new Memory(heap < 0 ? -1 : heap / 1024 / 1024, live < 0 ? -1 : live / 1024 / 1024, majors);
            } catch (IOException | RuntimeException e) {
                return new Memory(-1, -1, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Memory(-1, -1, -1);
            }
        }
    }

    /** The service's CsvReader over the file, twice; the faster pass counts (the first one warms the JIT). */
    static Map<String, Object> parseOnly(Path thinJar, Path csv) throws Exception {
        var urls = new ArrayList<URL>();
        urls.add(thinJar.toUri().toURL());
        try (var libs = Files.list(thinJar.getParent().resolve("lib"))) {
            for (var lib : libs.toList()) {
                urls.add(lib.toUri().toURL());
            }
        }
        try (var loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Class<?> reader = loader.loadClass("org.opencrm.contacts.transfer.CsvReader");
            Constructor<?> constructor = reader.getDeclaredConstructor(Reader.class, int.class);
            constructor.setAccessible(true);
            Method next = reader.getDeclaredMethod("next");
            next.setAccessible(true);
            double best = Double.MAX_VALUE;
            long records = 0;
            for (int pass = 0; pass < 2; pass++) {
                long t0 = System.nanoTime();
                records = 0;
                try (var in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
                    Object r = constructor.newInstance(in, 10_000);
                    while (next.invoke(r) != null) {
                        records++;
                    }
                }
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            long dataRows = records - 1;
            var m = new LinkedHashMap<String, Object>();
            m.put("rows", dataRows);
            m.put("seconds", Result.round(best));
            m.put("rowsPerSecond", Result.round(dataRows / best));
            return m;
        }
    }
}
