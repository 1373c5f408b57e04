package org.opencrm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes each result as {@code <id>.json} with its PNG charts (latency distribution, throughput over time),
 * and {@code SUMMARY.md} over every result in the directory, comparing each ratio with the one of the
 * previously committed file it replaces and calling out a ratio worse by more than 20%.
 */
final class Report {

    static final double WORSE_BY = 0.20;

    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Path dir;
    private final Map<String, Object> run;
    private final Map<String, JsonNode> previous = new LinkedHashMap<>();

    /** {@code run}: what every result repeats (date, command, machine). Reads the previous results first. */
    Report(Path dir, Map<String, Object> run) throws IOException {
        this.dir = dir;
        this.run = run;
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                var node = JSON.readTree(f.toFile());
                String id = node.path("id").asString();
                // a run kept beside the result under another name (B1-1000000-disk.json) is not the one replaced
                if (f.getFileName().toString().equals(id + ".json") || !previous.containsKey(id)) {
                    previous.put(id, node);
                }
            }
        }
    }

    Path write(Result result) throws IOException {
        var doc = new LinkedHashMap<String, Object>();
        doc.put("id", result.id);
        doc.put("title", result.title);
        doc.putAll(run);
        doc.put("setup", result.setup);
        doc.put("measurements", result.measurements);
        doc.put("ratios", result.ratios);
        doc.put("targets", result.targets);
        doc.put("notes", result.notes);
        var prior = previous.get(result.id);
        if (prior != null) {
            doc.put("previous", Map.of("date", prior.path("date").asString(), "ratios", prior.path("ratios")));
        }
        var charts = new ArrayList<String>();
        if (!result.runs.isEmpty()) {
            charts.add(latencyChart(result));
            charts.add(throughputChart(result));
        }
        for (var timeChart : result.timeCharts) {
            charts.add(timeChart(result.id, timeChart));
        }
        doc.put("charts", charts);
        Path file = dir.resolve(result.id + ".json");
        JSON.writeValue(file.toFile(), doc);
        return file;
    }

    private String latencyChart(Result result) throws IOException {
        XYChart chart = new XYChartBuilder()
                .width(900)
                .height(500)
                .title(result.id + " latency distribution")
                .xAxisTitle("percentile (log scale: 10 = p90, 100 = p99, 1000 = p99.9)")
                .yAxisTitle("latency (ms)")
                .build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setMarkerSize(0);
        for (var r : result.runs) {
            var xs = new ArrayList<Double>();
            var ys = new ArrayList<Double>();
            for (double p : percentiles()) {
                xs.add(1.0 / (1.0 - p / 100.0));
                ys.add(r.histogram().getValueAtPercentile(p) / 1000.0);
            }
            if (r.histogram().getTotalCount() > 0) {
                chart.addSeries(r.name(), xs, ys).setMarker(SeriesMarkers.NONE);
            }
        }
        String name = result.id + "-latency.png";
        if (!chart.getSeriesMap().isEmpty()) {
            BitmapEncoder.saveBitmap(chart, dir.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
        }
        return name;
    }

    private String throughputChart(Result result) throws IOException {
        XYChart chart = new XYChartBuilder()
                .width(900)
                .height(400)
                .title(result.id + " throughput over time")
                .xAxisTitle("second of the measured run")
                .yAxisTitle("completed calls per second")
                .build();
        chart.getStyler().setMarkerSize(3);
        for (var r : result.runs) {
            var xs = new ArrayList<Double>();
            var ys = new ArrayList<Double>();
            for (int i = 0; i < r.perSecond().size(); i++) {
                xs.add(i + 1.0);
                ys.add(r.perSecond().get(i).doubleValue());
            }
            if (!xs.isEmpty()) {
                chart.addSeries(r.name(), xs, ys);
            }
        }
        String name = result.id + "-throughput.png";
        if (!chart.getSeriesMap().isEmpty()) {
            BitmapEncoder.saveBitmap(chart, dir.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
        }
        return name;
    }

    private String timeChart(String id, Result.TimeChart timeChart) throws IOException {
        XYChart chart = new XYChartBuilder()
                .width(900)
                .height(400)
                .title(id + " " + timeChart.title())
                .xAxisTitle("second")
                .yAxisTitle(timeChart.axis())
                .build();
        chart.getStyler().setMarkerSize(3);
        for (var series : timeChart.series().entrySet()) {
            var xs = new ArrayList<Double>();
            var ys = new ArrayList<Double>();
            for (double[] point : series.getValue()) {
                xs.add(point[0]);
                ys.add(point[1]);
            }
            if (!xs.isEmpty()) {
                chart.addSeries(series.getKey(), xs, ys);
            }
        }
        String name = id + "-" + timeChart.title().replaceAll("[^a-zA-Z0-9]+", "-") + ".png";
        BitmapEncoder.saveBitmap(chart, dir.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
        return name;
    }

    private static List<Double> percentiles() {
        var ps = new ArrayList<Double>();
        for (double p = 0; p < 90; p += 5) {
            ps.add(p);
        }
        for (double p : new double[] {90, 92, 94, 95, 96, 97, 98, 99, 99.3, 99.5, 99.7, 99.9, 99.95, 99.99}) {
            ps.add(p);
        }
        return ps;
    }

    /** SUMMARY.md over every result now in the directory. */
    Path summary() throws IOException {
        var md = new StringBuilder();
        md.append("# Benchmark results\n\n");
        md.append("Written by the bench harness (`bench/run`, see docs/benchmarks.md) on ")
                .append(Instant.now())
                .append(". Every figure is a ratio to a baseline measured in the same run; a ratio worse by more")
                .append(" than 20% than the previously committed result is marked **WORSE**.\n\n");
        var flagged = new ArrayList<String>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                var node = JSON.readTree(f.toFile());
                String id = node.path("id").asString();
                md.append("## ")
                        .append(id)
                        .append(": ")
                        .append(node.path("title").asString())
                        .append("\n\n");
                md.append("Run ")
                        .append(node.path("date").asString())
                        .append(", load average at start ")
                        .append(node.path("machine").path("loadAverage").asString())
                        .append(". Setup: ")
                        .append(node.path("setup").toString())
                        .append("\n\n");
                md.append("| measurement | calls | errors | throughput/s | p50 ms | p99 ms | p99.9 ms |\n");
                md.append("|---|---|---|---|---|---|---|\n");
                for (var m : node.path("measurements")) {
                    if (!m.has("p99Ms")) {
                        continue;
                    }
                    md.append("| ")
                            .append(m.path("name").asString())
                            .append(" (")
                            .append(m.path("role").asString())
                            .append(") | ")
                            .append(m.path("calls").asLong())
                            .append(" | ")
                            .append(m.path("errors").asLong())
                            .append(" | ")
                            .append(m.path("throughputPerSecond").asDouble())
                            .append(" | ")
                            .append(m.path("p50Ms").asDouble())
                            .append(" | ")
                            .append(m.path("p99Ms").asDouble())
                            .append(" | ")
                            .append(m.path("p999Ms").asDouble())
                            .append(" |\n");
                }
                var others = new ArrayList<JsonNode>();
                node.path("measurements").forEach(m -> {
                    if (!m.has("p99Ms")) {
                        others.add(m);
                    }
                });
                if (!others.isEmpty()) {
                    md.append("\n| figure | values |\n|---|---|\n");
                    for (var m : others) {
                        var values = m.deepCopy();
                        ((tools.jackson.databind.node.ObjectNode) values).remove(List.of("name", "role"));
                        md.append("| ")
                                .append(m.path("name").asString())
                                .append(" (")
                                .append(m.path("role").asString())
                                .append(") | ")
                                .append(values.toString().replace("|", "/"))
                                .append(" |\n");
                    }
                }
                md.append("\n| ratio | metric | subject | baseline | ratio | previous | change |\n");
                md.append("|---|---|---|---|---|---|---|\n");
                for (var r : node.path("ratios")) {
                    String name = r.path("name").asString();
                    String metric = r.path("metric").asString();
                    Double before = previousRatio(node, name, metric);
                    Double now = r.path("ratio").isNumber() ? r.path("ratio").asDouble() : null;
                    String change = "";
                    if (before != null && now != null && before != 0) {
                        double delta = now / before - 1;
                        boolean worse = r.path("higherIsWorse").asBoolean(true) ? delta > WORSE_BY : delta < -WORSE_BY;
                        change = String.format("%+.0f%%", delta * 100) + (worse ? " **WORSE**" : "");
                        if (worse) {
                            flagged.add(id + " " + name + " (" + metric + "): " + before + " -> " + now);
                        }
                    }
                    md.append("| ")
                            .append(name)
                            .append(" | ")
                            .append(metric)
                            .append(" | ")
                            .append(number(r.path("subject")))
                            .append(" | ")
                            .append(number(r.path("baseline")))
                            .append(" | ")
                            .append(now == null ? "n/a" : now)
                            .append(" | ")
                            .append(before == null ? "" : before)
                            .append(" | ")
                            .append(change)
                            .append(" |\n");
                }
                md.append("\n| target | value | limit | met |\n|---|---|---|---|\n");
                for (var t : node.path("targets")) {
                    md.append("| ")
                            .append(t.path("target").asString())
                            .append(" | ")
                            .append(number(t.path("value")))
                            .append(" | ")
                            .append(t.path("comparison").asString())
                            .append(" ")
                            .append(number(t.path("limit")))
                            .append(" | ")
                            .append(t.path("met").asBoolean() ? "met" : "**not met**")
                            .append(" |\n");
                }
                for (var n : node.path("notes")) {
                    md.append("\n- ").append(n.asString());
                }
                md.append("\n\n");
                for (var c : node.path("charts")) {
                    md.append("![")
                            .append(c.asString())
                            .append("](")
                            .append(c.asString())
                            .append(")\n");
                }
                md.append("\n");
            }
        }
        if (!flagged.isEmpty()) {
            md.insert(
                    md.indexOf("\n\n", md.indexOf("# Benchmark results")) + 2,
                    "**Ratios worse by more than 20% than the previous results:**\n\n- " + String.join("\n- ", flagged)
                            + "\n\n");
        }
        Path file = dir.resolve("SUMMARY.md");
        Files.writeString(file, md.toString());
        return file;
    }

    /** The ratio of the same name and metric in the file this run replaced (or that file's own previous). */
    private Double previousRatio(JsonNode node, String name, String metric) {
        for (var r : node.path("previous").path("ratios")) {
            if (r.path("name").asString().equals(name)
                    && r.path("metric").asString().equals(metric)
                    && r.path("ratio").isNumber()) {
                return r.path("ratio").asDouble();
            }
        }
        return null;
    }

    /** A figure as written, or "n/a" where the run could not measure it (JSON has no NaN: it is stored as text). */
    private static String number(JsonNode value) {
        return value.isNumber() ? String.valueOf(value.asDouble()) : "n/a";
    }
}
