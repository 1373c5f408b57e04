package org.opencrm.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real KRaft broker in a child JVM of its own, for tests that stop and restart the broker (the shared
 * broker of {@link TestInfrastructure} lives as long as the test JVM). Keeps its port and log directory
 * across restarts, so clients reconnect and committed records survive, exactly as in production.
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path directory;
    private final int port;
    private final Path config;
    private final Path log;
    private Process process;

    private KafkaBrokerProcess(Path directory, int port, int controllerPort) throws IOException {
        this.directory = directory;
        this.port = port;
        this.config = directory.resolve("server.properties");
        this.log = directory.resolve("broker.log");
        Files.writeString(config, """
                process.roles=broker,controller
                node.id=1
                controller.quorum.voters=1@127.0.0.1:%d
                listeners=PLAINTEXT://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d
                advertised.listeners=PLAINTEXT://127.0.0.1:%d
                controller.listener.names=CONTROLLER
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                log.dirs=%s
                num.partitions=%d
                offsets.topic.replication.factor=1
                offsets.topic.num.partitions=1
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                auto.create.topics.enable=true
                broker.session.timeout.ms=3000
                broker.heartbeat.interval.ms=1000
                """.formatted(
                        controllerPort,
                        port,
                        controllerPort,
                        port,
                        directory.resolve("data"),
                        Integer.parseInt(TestKafka.PARTITIONS)));
    }

    /** Formats a fresh log directory and starts the broker; returns once it accepts connections. */
    public static KafkaBrokerProcess start() {
        try {
            var directory = Files.createTempDirectory("crm-kafka-");
            var broker = new KafkaBrokerProcess(directory, freePort(), freePort());
            broker.format();
            broker.startProcess();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Kills the broker as a crash would ({@code kill -9}); {@link #restart()} brings it back. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(process);
            process = null;
        }
    }

    /** Stops the broker gracefully (SIGTERM): it flushes and leaves a clean shutdown marker. */
    public void stop() {
        if (process != null) {
            process.destroy();
            waitFor(process);
            process = null;
        }
    }

    public void restart() {
        stop();
        startProcess();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() {
        kill();
        try (var files = Files.walk(directory)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    private void format() throws IOException {
        run(
                List.of(
                        "kafka.tools.StorageTool",
                        "format",
                        "--cluster-id",
                        clusterId(),
                        "--config",
                        config.toString()),
                directory.resolve("format.log"));
    }

    private void startProcess() {
        try {
            process = new ProcessBuilder(command(List.of("kafka.Kafka", config.toString())))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka broker exited at start; see " + log);
            }
            if (accepts(port)) {
                return;
            }
            sleep(100);
        }
        // nobody holds this broker yet: left running, it would outlive the caller's JVM
        kill();
        throw new IllegalStateException("Kafka broker did not open port " + port + " within " + START_TIMEOUT);
    }

    private void run(List<String> mainAndArgs, Path output) throws IOException {
        var tool = new ProcessBuilder(command(mainAndArgs))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        try {
            if (!tool.waitFor(60, TimeUnit.SECONDS) || tool.exitValue() != 0) {
                throw new IllegalStateException(mainAndArgs.get(0) + " failed: " + Files.readString(output));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The broker runs from this JVM's own class path: the same Kafka jars the tests already use. */
    private static List<String> command(List<String> mainAndArgs) {
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        return command;
    }

    private static String clusterId() {
        // Kafka cluster ids are 16 bytes, URL-safe base64 without padding. One in 64 such ids starts with '-',
        // which the storage tool's argument parser takes for an option (Kafka's own Uuid redraws those too).
        String id;
        do {
            var uuid = UUID.randomUUID();
            var bytes = ByteBuffer.allocate(16)
                    .putLong(uuid.getMostSignificantBits())
                    .putLong(uuid.getLeastSignificantBits())
                    .array();
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (id.startsWith("-"));
        return id;
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void waitFor(Process process) {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
