package org.opencrm.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One application (a service jar, the gateway, the empty baseline app) as a child JVM on a port of ours, started
 * the way {@code deploy/local/platform} starts it (same environment variables, same JVM options by default),
 * ready when {@code /actuator/health/readiness} answers 200.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient PROBE =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final int port;
    private final Process process;
    private final Path log;
    private final long startedNanos;
    private long readyMillis = -1;

    private ServiceProcess(String name, int port, Process process, Path log, long startedNanos) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
        this.startedNanos = startedNanos;
    }

    /** Starts {@code java <jvmOptions> <launch...>} with the environment given; does not wait. */
    static ServiceProcess start(
            String name, int port, List<String> jvmOptions, List<String> launch, Map<String, String> env, Path logDir) {
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dcrm.bench=" + name);
        command.addAll(launch);
        try {
            Files.createDirectories(logDir);
            var log = logDir.resolve(name + ".log");
            var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            builder.environment().put("PORT", Integer.toString(port));
            builder.environment().put("SERVER_ADDRESS", "127.0.0.1");
            // the services read PORT in their application.yml; an app without that mapping reads SERVER_PORT
            builder.environment().put("SERVER_PORT", Integer.toString(port));
            long t0 = System.nanoTime();
            return new ServiceProcess(name, port, builder.start(), log, t0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Waits for readiness; remembers the time from process start to the first 200. */
    public ServiceProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        var request = HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(3))
                .build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited at start; log: " + log + "\n" + tail());
            }
            try {
                if (PROBE.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    readyMillis = (System.nanoTime() - startedNanos) / 1_000_000;
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(50);
        }
        throw new IllegalStateException(name + " not ready within " + timeout + "; log: " + log + "\n" + tail());
    }

    long readyMillis() {
        return readyMillis;
    }

    public long pid() {
        return process.pid();
    }

    /** Resident set size in MiB from /proc (-1 where there is no /proc). */
    double rssMib() {
        return Machine.rssMib(process.pid());
    }

    /** CPU time the process used so far, in milliseconds (-1 where there is no /proc). */
    long cpuMillis() {
        return Machine.cpuMillis(process.pid());
    }

    private String tail() {
        try {
            var lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /** A crash ({@code kill -9}): no shutdown hook, no graceful stop of the web server, relay or consumers. */
    public void kill() {
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
