package org.opencrm.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One benchmark's outcome as written to {@code bench/results/<id>.json}: how it was run (data size,
 * concurrency, warm-up, command, machine, date), each measured figure with its same-run baseline, their
 * ratios, and each target with met / not met.
 */
final class Result {

    final String id;
    final String title;
    final Map<String, Object> setup = new LinkedHashMap<>();
    final List<Map<String, Object>> measurements = new ArrayList<>();
    final List<Map<String, Object>> ratios = new ArrayList<>();
    final List<Map<String, Object>> targets = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    /** The load runs behind the measurements, for the charts (not written to the JSON). */
    final List<Load.Run> runs = new ArrayList<>();
    /** Extra charts of values over time, each {@code <id>-<title>.png}. */
    final List<TimeChart> timeCharts = new ArrayList<>();

    /** A chart of values over time: series name to (second, value) points. */
    record TimeChart(String title, String axis, Map<String, List<double[]>> series) {}

    Result(String id, String title) {
        this.id = id;
        this.title = title;
    }

    Result setup(String key, Object value) {
        setup.put(key, value);
        return this;
    }

    /** A load run's figures: calls, errors, throughput, latency percentiles in milliseconds. */
    Map<String, Object> add(Load.Run run, String role) {
        runs.add(run);
        var m = new LinkedHashMap<String, Object>();
        m.put("name", run.name());
        m.put("role", role);
        m.put("calls", run.histogram().getTotalCount());
        m.put("errors", run.errors());
        if (run.firstError() != null && run.errors() > 0) {
            m.put("firstError", run.firstError());
        }
        m.put("seconds", round(run.seconds()));
        m.put("throughputPerSecond", round(run.throughput()));
        m.put("meanMs", round(run.histogram().getMean() / 1000.0));
        m.put("p50Ms", round(run.millis(50)));
        m.put("p90Ms", round(run.millis(90)));
        m.put("p99Ms", round(run.millis(99)));
        m.put("p999Ms", round(run.millis(99.9)));
        m.put("maxMs", round(run.histogram().getMaxValue() / 1000.0));
        measurements.add(m);
        return m;
    }

    /** A figure that is not a load run (a start-up time, a memory size). */
    Map<String, Object> figure(String name, String role, Map<String, Object> values) {
        var m = new LinkedHashMap<String, Object>();
        m.put("name", name);
        m.put("role", role);
        m.putAll(values);
        measurements.add(m);
        return m;
    }

    /**
     * subject / baseline of one metric. {@code higherIsWorse}: true for latencies and sizes, false for
     * throughputs; the summary flags a change of more than 20% in the worse direction.
     */
    double ratio(String name, String metric, double subject, double baseline, boolean higherIsWorse) {
        double value = baseline == 0 ? Double.NaN : subject / baseline;
        var r = new LinkedHashMap<String, Object>();
        r.put("name", name);
        r.put("metric", metric);
        r.put("subject", round(subject));
        r.put("baseline", round(baseline));
        r.put("ratio", Double.isNaN(value) ? null : round(value));
        r.put("higherIsWorse", higherIsWorse);
        ratios.add(r);
        return value;
    }

    boolean target(String description, double value, String comparison, double limit) {
        boolean met = switch (comparison) {
            case "<" -> value < limit;
            case "<=" -> value <= limit;
            case ">=" -> value >= limit;
            default -> throw new IllegalArgumentException(comparison);
        };
        var t = new LinkedHashMap<String, Object>();
        t.put("target", description);
        t.put("value", round(value));
        t.put("comparison", comparison);
        t.put("limit", limit);
        t.put("met", met);
        targets.add(t);
        return met;
    }

    static double round(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        return Math.round(v * 1000.0) / 1000.0;
    }
}
