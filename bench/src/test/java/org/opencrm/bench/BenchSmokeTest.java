package org.opencrm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps the benchmarks working: every implemented benchmark at tiny sizes (a few hundred records, one-second
 * runs, B6 on one application), then checks that each result file, its charts and the summary are written
 * and that the figures are sane (calls made, no errors, positive latencies and ratios). Timings are never
 * asserted: they belong to the real runs (bench/run), not to CI.
 */
class BenchSmokeTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void everyBenchmarkWritesSaneResultsAtTinySizes() throws Exception {
        for (String module : List.of(
                "contacts-service",
                "deals-service",
                "tasks-service",
                "notifications-service",
                "analytics-service",
                "gateway")) {
            assumeTrue(
                    Files.isRegularFile(ROOT.resolve(module + "/target/" + module + "-0.1.0-SNAPSHOT.jar")),
                    module + "'s jar is not built: the full build (./mvnw verify) packages it before bench");
        }
        Path out = ROOT.resolve("bench/target/bench-smoke");
        deleteResults(out);

        var written = Bench.run(Bench.Options.parse(
                "--only", "B1,B8,B5,B2,B7,B4,B6,B3",
                "--contacts", "300",
                "--deals", "300",
                "--concurrency", "2",
                "--warmup", "0.5",
                "--duration", "1",
                "--b2-rates", "20",
                "--b2-deals", "100",
                "--b2-search-steps", "0",
                "--b2-kafka-messages", "100",
                "--tasks", "1500",
                "--b7-probes", "2",
                "--b7-window", "3",
                "--import-rows", "300",
                "--footprint-apps", "gateway",
                "--footprint-idle", "1",
                "--analytics-deals", "200",
                "--analytics-ingest", "100",
                "--out", out.toString(),
                "--root", ROOT.toString()));

        assertThat(written)
                .extracting(p -> p.getFileName().toString())
                .containsExactly(
                        "B1.json",
                        "B8.json",
                        "B5.json",
                        "B2.json",
                        "B7.json",
                        "B4.json",
                        "B6.json",
                        "B3.json",
                        "SUMMARY.md");
        var json = JsonMapper.builder().build();
        for (String id : List.of("B1", "B8", "B5", "B2", "B7", "B4", "B6", "B3")) {
            var result = json.readTree(out.resolve(id + ".json").toFile());
            assertThat(result.path("id").asString()).isEqualTo(id);
            assertThat(result.path("machine").path("cores").asInt()).isPositive();
            assertThat(result.path("ratios").size()).as(id + " ratios").isPositive();
            for (var ratio : result.path("ratios")) {
                assertThat(ratio.path("ratio").asDouble()).as(id + " " + ratio).isPositive();
            }
            for (var m : result.path("measurements")) {
                if (m.has("calls")) {
                    assertThat(m.path("calls").asLong()).as(id + " " + m).isPositive();
                    assertThat(m.path("errors").asLong()).as(id + " " + m).isZero();
                    assertThat(m.path("p99Ms").asDouble()).as(id + " " + m).isPositive();
                }
            }
            for (var chart : result.path("charts")) {
                assertThat(out.resolve(chart.asString())).as(id + " chart").isNotEmptyFile();
            }
        }
        assertThat(json.readTree(out.resolve("B1.json").toFile())
                        .path("setup")
                        .path("contacts")
                        .asInt())
                .isEqualTo(300);
        assertThat(json.readTree(out.resolve("B6.json").toFile())
                        .path("measurements")
                        .size())
                .as("the empty app and the gateway")
                .isEqualTo(2);
        var pipeline = json.readTree(out.resolve("B2.json").toFile());
        for (var m : pipeline.path("measurements")) {
            if (m.has("sent")) {
                assertThat(m.path("sent").asLong()).as("B2 " + m).isPositive();
                assertThat(m.path("calls").asLong())
                        .as("B2: every change followed through to its in-app notification " + m)
                        .isEqualTo(m.path("sent").asLong());
            }
        }
        var overdue = json.readTree(out.resolve("B7.json").toFile());
        assertThat(overdue.path("measurements").findValues("overdueReported"))
                .as("B7: every probe reported overdue at both sizes")
                .hasSize(2)
                .allSatisfy(n -> assertThat(n.asInt()).isEqualTo(2));
        for (var m : json.readTree(out.resolve("B3.json").toFile()).path("measurements")) {
            if (m.has("calls")) {
                assertThat(m.path("p99MsByRound").size())
                        .as("B3: every report measured in each round " + m)
                        .isEqualTo(AnalyticsBench.ROUNDS);
            }
        }
        var imported = json.readTree(out.resolve("B4.json").toFile());
        var job = imported.path("measurements").findValue("created").asLong();
        assertThat(job).as("B4: 300 rows, 30 of them duplicates").isEqualTo(270);
        assertThat(imported.path("measurements").findValue("skipped").asLong()).isEqualTo(30);
        assertThat(Files.readString(out.resolve("SUMMARY.md")))
                .contains("## B1", "## B2", "## B3", "## B4", "## B5", "## B6", "## B7", "## B8");
    }

    private static void deleteResults(Path out) throws Exception {
        if (Files.isDirectory(out)) {
            try (var files = Files.list(out)) {
                for (var f : files.toList()) {
                    Files.delete(f);
                }
            }
        }
    }
}
