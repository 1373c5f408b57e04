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
 * and RSS (/proc) sampled every second (memory flat = the import holds a batch, not the file). Baseline: the
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
                                + " second while the job runs")
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
        var rss = new ArrayList<double[]>();
        var rowsRead = new ArrayList<double[]>();
        JsonNode job;
        while (true) {
            job = Http.ok(api.get(contacts.baseUrl() + "/api/contacts/imports/" + id))
                    .json();
            double second = (System.nanoTime() - t0) / 1e9;
            long read = job.path("rowsRead").asLong();
            rowsRead.add(new double[] {second, read});
            rss.add(new double[] {second, contacts.rssMib()});
            double heapMib = heapMib(contacts);
            if (heapMib >= 0) {
                heap.add(new double[] {second, heapMib});
            }
            String status = job.path("status").asString();
            if (!status.equals("QUEUED") && !status.equals("RUNNING")) {
                break;
            }
            if (second > options.importTimeout().toSeconds()) {
                throw new IllegalStateException("import " + id + " not finished after " + second + " s: " + job);
            }
            ServiceProcess.sleep(1_000);
        }
        if (!job.path("status").asString().equals("COMPLETED")) {
            throw new IllegalStateException("import " + id + " ended " + job);
        }
        double wallSeconds = (System.nanoTime() - t0) / 1e9;
        double jobSeconds = Duration.between(
                                Instant.parse(job.path("startedAt").asString()),
                                Instant.parse(job.path("finishedAt").asString()))
                        .toMillis()
                / 1000.0;
        long read = job.path("rowsRead").asLong();
        double rate = read / Math.max(0.001, jobSeconds);
        var figures = new LinkedHashMap<String, Object>();
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
        result.figure("import through contacts-service", "subject", figures);
        Bench.log("B4 import: " + figures);
        var memorySeries = new LinkedHashMap<String, List<double[]>>();
        memorySeries.put("contacts-service RSS", rss);
        if (!heap.isEmpty()) {
            memorySeries.put("contacts-service heap used", heap);
        }
        result.timeCharts.add(new Result.TimeChart("memory over time", "MiB", memorySeries));
        result.timeCharts.add(new Result.TimeChart("rows read over time", "rows read", Map.of("import job", rowsRead)));
        // time per row rather than rows/s: the import is three or four orders of magnitude slower than parsing
        result.ratio("import / parse only", "seconds per row", 1 / rate, 1 / parseRate, true);
        double rssGrowth = ((Number) figures.get("rssMibLastQuarterAvg")).doubleValue()
                / Math.max(1, ((Number) figures.get("rssMibFirstQuarterAvg")).doubleValue());
        result.ratio("RSS last quarter / first quarter of the job", "RSS", rssGrowth, 1.0, true);
        result.target("memory flat: RSS last quarter / first quarter", rssGrowth, "<=", 1.2);
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

    private static final Pattern HEAP_LINE =
            Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.eE+-]+)");

    /** Heap used in MiB from the service's Prometheus endpoint, or -1 when it cannot be read. */
    static double heapMib(ServiceProcess service) {
        try {
            var client = HttpClient.newHttpClient();
            var answer = client.send(
                    HttpRequest.newBuilder(URI.create(service.baseUrl() + "/actuator/prometheus"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                return -1;
            }
            double bytes = 0;
            boolean any = false;
            for (String line : answer.body().split("\n")) {
                var m = HEAP_LINE.matcher(line);
                if (m.find()) {
                    bytes += Double.parseDouble(m.group(1));
                    any = true;
                }
            }
            return any ? bytes / 1024 / 1024 : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
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
