package org.opencrm.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The local platform the tests run against: the one already running on the usual ports (a developer's
 * {@code ./crm up}), else one this extension starts with {@code deploy/local/platform up --no-build} in its own
 * {@code CRM_LOCAL_DIR} under {@code e2e/target} and stops when the test run ends. Started once per JVM,
 * whatever the number of test classes.
 */
public final class LocalPlatform implements BeforeAllCallback {

    public static final String HOST = "127.0.0.1";
    public static final URI GATEWAY = URI.create("http://" + HOST + ":8080");
    public static final URI IDENTITY = URI.create("http://" + HOST + ":9000");
    public static final URI MAIL = URI.create("http://" + HOST + ":8025");

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalPlatform.class);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(10);

    /** What the run found or started; closing it stops only what it started. */
    public record Running(Path root, Path localDir, boolean startedHere, Duration startup) implements AutoCloseable {

        @Override
        public void close() throws IOException, InterruptedException {
            if (!startedHere) {
                return;
            }
            var log = localDir.resolve("e2e-stop.log");
            var stop = platform(root, localDir, log, "stop").start();
            if (!stop.waitFor(3, TimeUnit.MINUTES)) {
                stop.destroyForcibly();
            }
            System.out.println("[e2e] stopped the local platform (" + log + ")");
        }
    }

    private static volatile Running current;

    @Override
    public void beforeAll(ExtensionContext context) {
        current = context.getRoot().getStore(NAMESPACE).computeIfAbsent("platform", key -> start(), Running.class);
    }

    /** The platform of this run (after {@code beforeAll}). */
    public static Running current() {
        return current;
    }

    private static Running start() {
        Path root =
                Path.of(System.getProperty("crm.root", "..")).toAbsolutePath().normalize();
        Path localDir = Path.of(System.getProperty(
                "crm.e2e.local-dir", root.resolve("e2e/target/local-platform").toString()));
        if (gatewayReady()) {
            String dir = System.getenv("CRM_LOCAL_DIR");
            System.out.println("[e2e] using the local platform already running at " + GATEWAY);
            return new Running(root, dir == null ? root.resolve(".local") : Path.of(dir), false, Duration.ZERO);
        }
        try {
            Files.createDirectories(localDir);
            var log = localDir.resolve("e2e-up.log");
            long t0 = System.nanoTime();
            System.out.println("[e2e] starting the local platform in " + localDir + " (log: " + log + ")");
            // with a second instance of the services the scale-out test needs (ScaleOutTest)
            var up = platform(
                            root,
                            localDir,
                            log,
                            "up",
                            "--no-build",
                            "--scale",
                            "tasks=2",
                            "--scale",
                            "notifications=2",
                            "--scale",
                            "analytics=2")
                    .start();
            // registered before waiting: whatever 'up' managed to start is stopped again even if it fails
            var running = new Running(root, localDir, true, Duration.ZERO);
            if (!up.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                up.destroyForcibly();
                running.close();
                throw new IllegalStateException(
                        "platform up did not finish within " + START_TIMEOUT + "\n" + tail(log));
            }
            if (up.exitValue() != 0) {
                running.close();
                throw new IllegalStateException("platform up failed (exit " + up.exitValue() + ")\n" + tail(log));
            }
            var startup = Duration.ofNanos(System.nanoTime() - t0);
            System.out.println("[e2e] local platform ready (demo data loaded) after " + startup.toMillis() + " ms");
            return new Running(root, localDir, true, startup);
        } catch (IOException e) {
            throw new IllegalStateException("could not run deploy/local/platform", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static ProcessBuilder platform(Path root, Path localDir, Path log, String... args) {
        List<String> command = new ArrayList<>();
        command.add(root.resolve("deploy/local/platform").toString());
        command.addAll(List.of(args));
        var pb = new ProcessBuilder(command).directory(root.toFile());
        pb.environment().put("CRM_LOCAL_DIR", localDir.toString());
        // the JDK running the tests (a JDK >= 21, found by ./crm) runs the platform too
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // a platform thrown away after the run: no class-data-sharing archives to write on every stop
        pb.environment().putIfAbsent("CRM_CDS", "0");
        // a CI machine of 2 cores starts 14 JVMs at once: allow for it
        pb.environment().putIfAbsent("CRM_UP_TIMEOUT", "480");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb;
    }

    private static boolean gatewayReady() {
        try (var http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            var res = http.send(
                    HttpRequest.newBuilder(GATEWAY.resolve("/actuator/health/readiness"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return res.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String tail(Path log) {
        try {
            var lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
