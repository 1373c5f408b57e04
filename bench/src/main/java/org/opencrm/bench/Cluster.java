package org.opencrm.bench;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.opencrm.testkit.KafkaBrokerProcess;
import org.opencrm.testkit.jwt.TestJwts;
import org.opencrm.testkit.mongo.IdIndexedH2Backend;
import org.opencrm.testkit.mongo.IdIndexedMemoryBackend;

/**
 * Everything a benchmark measures, started by the harness on free ports (never the local run's ports): a real
 * Kafka KRaft broker in a child JVM, a MongoDB-protocol server (mongo-java-server, memory backend, in this
 * JVM), Redis for the gateway's rate limits (Debian's redis-server, when installed), and the service jars as
 * child JVMs with the environment {@code deploy/local/platform} gives them. Tokens are minted with
 * {@link TestJwts}; the services get its public key as {@code CRM_JWT_PUBLIC_KEY}.
 */
public final class Cluster implements AutoCloseable {

    /** deploy/local/platform's CRM_SERVICE_JAVA_OPTS default. */
    public static final String DEFAULT_SERVICE_JAVA_OPTS = "-Xms64m -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

    /** deploy/local/platform's CRM_ANALYTICS_JAVA_OPTS default: analytics-service's, after the services' options. */
    public static final String DEFAULT_ANALYTICS_JAVA_OPTS = "-Xmx512m";

    public static final Duration READY_TIMEOUT = Duration.ofSeconds(240);

    private final Path root;
    private final Path workDir;
    private final List<String> serviceJavaOptions;
    private final List<String> analyticsJavaOptions;
    private KafkaBrokerProcess kafka;
    private MongoServer mongo;
    private MongoBackend mongoBackend;
    private IdIndexedMemoryBackend idIndexedBackend;
    private IdIndexedH2Backend diskBackend;
    private Path databaseFile;
    private int mongoPort;
    private String mongoAddress;
    private Process redis;
    private int redisPort;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook = new Thread(this::close, "cluster-shutdown");

    public Cluster(Path root, Path workDir, String serviceJavaOptions) {
        this(root, workDir, serviceJavaOptions, DEFAULT_ANALYTICS_JAVA_OPTS);
    }

    public Cluster(Path root, Path workDir, String serviceJavaOptions, String analyticsJavaOptions) {
        this.root = root;
        this.workDir = workDir;
        this.serviceJavaOptions = options(serviceJavaOptions);
        this.analyticsJavaOptions = options(analyticsJavaOptions);
        // a run stopped with SIGTERM or Ctrl-C (a timeout, an operator) must not leave the broker, Redis and the
        // services running: they are child processes, which the JVM's end does not take along
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public synchronized String kafka() {
        // KafkaBrokerProcess draws a random cluster id; one that starts with '-' (1 in 64) is taken for an option
        // by the storage tool's argument parser and the format fails: a fresh id on the next attempt is fine
        for (int attempt = 1; kafka == null; attempt++) {
            try {
                kafka = KafkaBrokerProcess.start();
            } catch (IllegalStateException e) {
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("--cluster-id")) {
                    throw e;
                }
            }
        }
        return kafka.bootstrapServers();
    }

    /**
     * Keep the database in an MVStore file instead of the heap (the test kit's {@link IdIndexedH2Backend}): for
     * data sizes whose documents do not fit the harness's heap. Call before anything starts. The file is deleted
     * first, so every run starts empty.
     */
    public synchronized Cluster useDiskDatabase(Path file) throws IOException {
        if (mongo != null) {
            throw new IllegalStateException("the database is already running");
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.deleteIfExists(file);
        databaseFile = file;
        return this;
    }

    /** mongodb://host:port of the in-process server (one server, one database per service, as in the local run). */
    public synchronized String mongo() {
        if (mongo == null) {
            // the test kit's backend (filters that pin _id are answered from the _id index, as on MongoDB), kept
            // open across an outage: the server's shutdown closes its backend, which drops every database, so
            // close() is not passed on (stopMongo / restartMongo); the JVM's end frees the memory
            MongoBackend backend;
            if (databaseFile != null) {
                diskBackend = new IdIndexedH2Backend(databaseFile.toString());
                backend = diskBackend;
            } else {
                idIndexedBackend = new IdIndexedMemoryBackend();
                backend = idIndexedBackend;
            }
            mongoBackend = (MongoBackend) Proxy.newProxyInstance(
                    MongoBackend.class.getClassLoader(), new Class<?>[] {MongoBackend.class}, (proxy, method, args) -> {
                        if (method.getName().equals("close") && method.getParameterCount() == 0) {
                            return null;
                        }
                        try {
                            return method.invoke(backend, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            mongo = new MongoServer(mongoBackend);
            mongoPort = Machine.freePort();
            mongo.bind("127.0.0.1", mongoPort);
            mongoAddress = "mongodb://127.0.0.1:" + mongoPort;
        }
        return mongoAddress;
    }

    /** The broker process, started if need be (fault tests kill and restart it). */
    public synchronized KafkaBrokerProcess kafkaBroker() {
        kafka();
        return kafka;
    }

    /** A database outage (fault tests): the server stops listening and drops its connections; data is kept. */
    public synchronized void stopMongo() {
        mongo.shutdownNow();
    }

    /** Ends the outage: a new server on the same port and the same backend, so the data written before is there. */
    public synchronized void restartMongo() {
        mongo = new MongoServer(mongoBackend);
        mongo.bind("127.0.0.1", mongoPort);
    }

    /** Documents the database compared against a filter so far (MongoDB's docsExamined), over all databases. */
    long documentsExamined() {
        mongo();
        return diskBackend != null ? diskBackend.documentsExamined() : idIndexedBackend.documentsExamined();
    }

    /** What the database is, for the results. */
    String mongoDescription() {
        if (databaseFile != null) {
            return "mongo-java-server 1.47.0, the test kit's IdIndexedH2Backend (H2 MVStore file " + databaseFile
                    + ", answering filters that pin _id from the _id index; _id ranges scan), in the harness JVM";
        }
        return "mongo-java-server 1.47.0, the test kit's IdIndexedMemoryBackend (memory backend answering filters that"
                + " pin _id, and _id ranges, from the _id index), in the harness JVM";
    }

    /** A redis-server on a free port, or 0 when none is installed (the gateway then runs without rate limits). */
    synchronized int redis() {
        if (redis == null && redisPort == 0) {
            if (!Files.isExecutable(Path.of("/usr/bin/redis-server"))) {
                return 0;
            }
            int port = Machine.freePort();
            try {
                redis = new ProcessBuilder(
                                "/usr/bin/redis-server",
                                "--bind",
                                "127.0.0.1",
                                "--port",
                                Integer.toString(port),
                                "--save",
                                "",
                                "--appendonly",
                                "no",
                                "--maxmemory",
                                "64mb")
                        .redirectErrorStream(true)
                        .redirectOutput(logs().resolve("redis.log").toFile())
                        .start();
            } catch (IOException e) {
                return 0;
            }
            redisPort = port;
            ServiceProcess.sleep(200);
        }
        return redisPort;
    }

    String module(String name) {
        return switch (name) {
            case "gateway" -> "gateway";
            default -> name + "-service";
        };
    }

    Path jarOf(String name) {
        String module = module(name);
        return root.resolve(module).resolve("target").resolve(module + "-0.1.0-SNAPSHOT.jar");
    }

    /** Starts the named services (contacts, deals, tasks, notifications, analytics, gateway) in parallel. */
    public void start(String... names) {
        var futures = new ArrayList<CompletableFuture<ServiceProcess>>();
        for (String name : names) {
            if (services.containsKey(name)) {
                continue;
            }
            var process = launch(name, name);
            services.put(name, process);
            futures.add(CompletableFuture.supplyAsync(() -> process.awaitReady(READY_TIMEOUT)));
        }
        futures.forEach(CompletableFuture::join);
    }

    /** Starts service {@code name} as the process {@code processName} (not registered; the caller closes it). */
    public ServiceProcess launch(String processName, String name) {
        return launch(processName, name, List.of(), Map.of(), javaOptionsOf(name));
    }

    /** The JVM options service {@code name} starts with: the services' own, then analytics-service's. */
    List<String> javaOptionsOf(String name) {
        if (!name.equals("analytics")) {
            return serviceJavaOptions;
        }
        var options = new ArrayList<String>(serviceJavaOptions);
        options.addAll(analyticsJavaOptions);
        return List.copyOf(options);
    }

    private static List<String> options(String line) {
        return line.isBlank()
                ? List.of()
                : Arrays.stream(line.trim().split("\\s+")).toList();
    }

    /**
     * {@link #launch(String, String)} with extra application arguments ({@code --key=value}), environment variables
     * and other JVM options: a variant of a service's configuration (B5's gateway variants).
     */
    ServiceProcess launch(
            String processName,
            String name,
            List<String> extraArgs,
            Map<String, String> extraEnv,
            List<String> jvmOptions) {
        var jar = unpacked(name);
        var env = new LinkedHashMap<String, String>();
        env.put("CRM_JWT_ISSUER", TestJwts.ISSUER);
        env.put("CRM_JWT_AUDIENCE", TestJwts.AUDIENCE);
        env.put("CRM_JWT_PUBLIC_KEY", TestJwts.publicKeyPem());
        env.put("CRM_LOG_FORMAT", "plain");
        var launch = new ArrayList<String>(List.of("-jar", jar.toString()));
        if (name.equals("gateway")) {
            int redisPort = redis();
            if (redisPort > 0) {
                env.put("REDIS_URL", "redis://127.0.0.1:" + redisPort);
                // the limits stay on (every request pays its Redis check) but high enough never to refuse
                for (String scope : List.of("tenant", "user")) {
                    launch.add("--crm.gateway.rate-limit.defaults." + scope + ".per-second=1000000");
                    launch.add("--crm.gateway.rate-limit.defaults." + scope + ".burst=1000000");
                }
            } else {
                env.put("CRM_RATE_LIMIT_ENABLED", "false");
            }
            for (String service : List.of("contacts", "deals", "tasks", "notifications", "analytics")) {
                var target = services.get(service);
                env.put(
                        "CRM_" + service.toUpperCase() + "_URI",
                        target != null ? target.baseUrl() : "http://127.0.0.1:" + Machine.freePort());
            }
        } else {
            env.put("MONGODB_URI", mongo() + "/crm-" + name);
            env.put("KAFKA_BOOTSTRAP", kafka());
        }
        launch.addAll(extraArgs);
        env.putAll(extraEnv);
        return ServiceProcess.start(processName, Machine.freePort(), jvmOptions, launch, env, logs());
    }

    /** The empty Spring Boot app on this JVM's class path (which holds the services' starters), same JVM options. */
    ServiceProcess launchBaseline() {
        var env = new LinkedHashMap<String, String>();
        env.put("SPRING_MONGODB_URI", mongo() + "/crm-empty");
        env.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", kafka());
        var launch = List.of(
                "-cp",
                System.getProperty("java.class.path"),
                "org.opencrm.bench.baseline.EmptyApp",
                "--management.endpoint.health.probes.enabled=true",
                "--management.endpoints.web.exposure.include=health",
                // as the platform's defaults: no OTLP push to a collector that is not there
                "--management.otlp.metrics.export.enabled=false");
        return ServiceProcess.start("empty-app", Machine.freePort(), serviceJavaOptions, launch, env, logs());
    }

    /**
     * The service jar unpacked as deploy/local/platform does ({@code -Djarmode=tools extract}): a thin jar with its
     * libraries beside it starts about twice as fast as the fat jar. Unpacked again when the jar is newer.
     */
    Path unpacked(String name) {
        var jar = jarOf(name);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar + " is missing: ./crm mvn -B -ntp -o -pl " + module(name) + " package -DskipTests");
        }
        var dir = workDir.resolve("apps").resolve(name);
        var stamp = dir.resolve(".extracted");
        var thin = dir.resolve(jar.getFileName());
        try {
            if (Files.exists(stamp) && Files.getLastModifiedTime(stamp).compareTo(Files.getLastModifiedTime(jar)) > 0) {
                return thin;
            }
            deleteTree(dir);
            var extract = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Djarmode=tools",
                            "-jar",
                            jar.toString(),
                            "extract",
                            "--destination",
                            dir.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(logs().resolve("extract-" + name + ".log").toFile())
                    .start();
            if (!extract.waitFor(120, TimeUnit.SECONDS) || extract.exitValue() != 0) {
                throw new IllegalStateException("could not unpack " + jar);
            }
            Files.createFile(stamp);
            return thin;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (var p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    public ServiceProcess service(String name) {
        var service = services.get(name);
        if (service == null) {
            throw new IllegalStateException(name + " was not started");
        }
        return service;
    }

    Map<String, ServiceProcess> services() {
        return services;
    }

    List<String> serviceJavaOptions() {
        return serviceJavaOptions;
    }

    public Path logs() {
        var dir = workDir.resolve("logs");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return dir;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs or will run; this close came first
            }
        }
        var stops = services.values().stream()
                .map(s -> CompletableFuture.runAsync(s::close))
                .toList();
        stops.forEach(CompletableFuture::join);
        services.clear();
        if (redis != null) {
            redis.destroy();
            try {
                redis.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (kafka != null) {
            kafka.close();
        }
        if (mongo != null) {
            mongo.shutdownNow();
        }
        if (diskBackend != null) {
            // the server's shutdown does not reach the backend (see mongo()): close the file, then drop it, since
            // a million-record run leaves gigabytes
            diskBackend.close();
            try {
                Files.deleteIfExists(databaseFile);
            } catch (IOException e) {
                System.err.println("could not delete " + databaseFile + ": " + e);
            }
        }
    }
}
