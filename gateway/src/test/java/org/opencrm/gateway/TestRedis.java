package org.opencrm.gateway;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A real {@code redis-server} (Debian's package; {@code ./crm test} installs it when missing and it can)
 * on a random loopback port, without persistence, started once per test JVM and stopped with it.
 */
final class TestRedis {

    private static final String ADDRESS = start();

    private TestRedis() {}

    /** {@code redis://127.0.0.1:<port>} */
    static String url() {
        return ADDRESS;
    }

    /** A loopback address where nothing listens: Redis down. */
    static String unreachableUrl() {
        return "redis://127.0.0.1:" + freePort();
    }

    private static String start() {
        String binary = findBinary();
        int port = freePort();
        try {
            Path dir = Files.createTempDirectory("gateway-test-redis");
            var process = new ProcessBuilder(
                            binary,
                            "--port",
                            Integer.toString(port),
                            "--bind",
                            "127.0.0.1",
                            "--save",
                            "",
                            "--appendonly",
                            "no",
                            "--dir",
                            dir.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
            Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(
                            "redis-server exited at start: " + Files.readString(dir.resolve("redis.log")));
                }
                try (var socket = new Socket("127.0.0.1", port)) {
                    return "redis://127.0.0.1:" + port;
                } catch (IOException notYet) {
                    Thread.sleep(50);
                }
            }
            throw new IllegalStateException("redis-server did not open port " + port + " within 10 s");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String findBinary() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/sbin:/usr/local/bin")
                .split(File.pathSeparator)) {
            File candidate = new File(dir, "redis-server");
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        throw new IllegalStateException("The gateway's tests need Debian's redis-server (rate limits are Redis"
                + " token buckets): apt-get install redis-server, or run ./crm test, which installs it when it can.");
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
