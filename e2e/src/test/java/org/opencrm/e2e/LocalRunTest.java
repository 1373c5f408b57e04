package org.opencrm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The launcher's promises around a platform that is already up: no twins, no duplicated demo data. */
@ExtendWith(LocalPlatform.class)
class LocalRunTest {

    @Test
    void aSecondUpWhileTheLocalPlatformRunsSaysSoAndStartsNothing() throws Exception {
        var platform = LocalPlatform.current();
        Path pidFile = platform.localDir().resolve("run/gateway.pid");
        String pidBefore = Files.readString(pidFile).trim();

        var log = Files.createTempFile("e2e-second-up", ".log");
        var up = LocalPlatform.platform(platform.root(), platform.localDir(), log, "up", "--no-build")
                .start();
        assertThat(up.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String output = Files.readString(log);

        assertThat(up.exitValue()).as(output).isZero();
        assertThat(output)
                .contains("already running")
                .contains("nothing started")
                .doesNotContain("Starting");
        assertThat(Files.readString(pidFile).trim()).isEqualTo(pidBefore);
    }

    @Test
    void loadingTheDemoDataAgainAddsNothing() throws Exception {
        var platform = LocalPlatform.current();
        String output = runDemoData(platform.root(), platform.localDir().resolve("demo"));

        assertThat(output.lines().filter(l -> !l.isBlank()))
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains("exists"));

        var admin = Api.as("admin");
        assertThat(count(admin.get("/api/pipelines").ok(), "name")).containsEntry("Windows", 1L);
        assertThat(count(admin.get("/api/automation-rules").ok(), "name"))
                .containsEntry("New lead: call back", 1L)
                .containsEntry("Measurement: measure on site", 1L)
                .containsEntry("Approval: calculate the price", 1L)
                .containsEntry("Installation: install", 1L);
        assertThat(count(admin.get("/api/document-templates").ok(), "name")).containsEntry("Invoice (windows)", 1L);
        assertThat(count(admin.get("/api/leads/form-keys").ok(), "name")).containsEntry("Website", 1L);
        var sales = admin.get("/api/teams/sales").ok().json();
        assertThat(sales.get("headUserIds").toString()).contains("head-of-sales");
    }

    /** deploy/local/tools/DemoData.java as the launcher runs it, here from source (java's single-file launch). */
    static String runDemoData(Path root, Path out) throws IOException, InterruptedException {
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var log = Files.createTempFile("e2e-demo-data", ".log");
        var process = new ProcessBuilder(
                        java,
                        root.resolve("deploy/local/tools/DemoData.java").toString(),
                        "--gateway",
                        LocalPlatform.GATEWAY.toString(),
                        "--identity",
                        LocalPlatform.IDENTITY.toString(),
                        "--out",
                        out.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String output = Files.readString(log);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    static Map<String, Long> count(Api.Reply reply, String field) {
        List<String> names = WalkThroughTest.stream(reply.json())
                .map(n -> n.path(field).asString(""))
                .toList();
        return names.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }
}
