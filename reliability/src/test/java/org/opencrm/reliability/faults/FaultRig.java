package org.opencrm.reliability.faults;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.opencrm.bench.Cluster;
import org.opencrm.bench.ServiceProcess;
import org.opencrm.events.EventHeaders;
import org.opencrm.testkit.jwt.TestJwts;

/**
 * What every fault run shares: bench's process cluster (a Kafka broker process, the in-process MongoDB-protocol
 * server, the service jars as child JVMs, all on free loopback ports), a token, an HTTP client whose every
 * request is bounded in time, direct reads of the databases and of the topics.
 */
final class FaultRig implements AutoCloseable {

    /** Every request of a fault run is bounded: a hanging service shows up as a timeout, not a stuck test. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    final Cluster cluster;
    final String tenant = "fault-" + UUID.randomUUID().toString().substring(0, 8);
    final String token;
    private final HttpClient http;
    private MongoClient mongo;
    private final List<ServiceProcess> launched = new ArrayList<>();

    FaultRig(String run) {
        var root =
                Path.of(System.getProperty("crm.root", "..")).toAbsolutePath().normalize();
        var work = Path.of(System.getProperty("crm.faults.work-dir", "target/faults"))
                .resolve(run);
        cluster = new Cluster(root, work, Cluster.DEFAULT_SERVICE_JAVA_OPTS);
        token = TestJwts.user("fault-admin")
                .tenant(tenant)
                .departments("sales")
                .roles("ADMIN")
                .mint();
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /** Starts a service jar as process {@code processName} and waits for its readiness. */
    ServiceProcess launch(String processName, String service) {
        var process = cluster.launch(processName, service);
        synchronized (launched) {
            launched.add(process);
        }
        return process.awaitReady(Cluster.READY_TIMEOUT);
    }

    record Answer(int status, String body, String contentType, long millis) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    Answer get(String url) throws IOException, InterruptedException {
        return send(request(url).GET().build());
    }

    Answer post(String url, String json) throws IOException, InterruptedException {
        return send(request(url)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    /**
     * The readiness probe's status, 0 when the process does not answer. During a database outage the probe's ping
     * waits for the driver's server selection (5 s) before it answers 503, hence the longer timeout.
     */
    int readiness(ServiceProcess service) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(service.baseUrl() + "/actuator/health/readiness"))
                                    .timeout(Duration.ofSeconds(15))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token);
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        var response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Answer(
                response.statusCode(),
                response.body(),
                response.headers().firstValue("Content-Type").orElse(""),
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** A contact card body with a unique name (contacts refuses likely duplicates, so no phone or e-mail). */
    static String contactBody(String lastName) {
        return """
                {"kind":"PERSON","firstName":"Fault","lastName":"%s","departmentId":"sales","tags":["faults"]}""".formatted(lastName);
    }

    /** The id in a 201's body ({"id":"...", ...}). */
    static String idOf(String body) {
        int at = body.indexOf("\"id\":\"");
        if (at < 0) {
            throw new IllegalStateException("no id in " + body);
        }
        int from = at + 6;
        return body.substring(from, body.indexOf('"', from));
    }

    synchronized MongoDatabase database(String service) {
        if (mongo == null) {
            mongo = MongoClients.create(cluster.mongo() + "/?serverSelectionTimeoutMS=5000");
        }
        return mongo.getDatabase("crm-" + service);
    }

    /** Every record on the topic so far (all partitions, from the beginning to the current end). */
    List<ConsumerRecord<String, String>> readAll(String topic) {
        var props = new Properties();
        props.putAll(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        var records = new ArrayList<ConsumerRecord<String, String>>();
        try (var consumer = new KafkaConsumer<String, String>(props)) {
            var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 60 s");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    /**
     * A copy of a published event for another aggregate: the aggregate id and the event id are replaced in the key,
     * the value and the headers (a fresh event nobody has applied), for {@code topic}.
     */
    static ProducerRecord<String, String> copyOf(
            ConsumerRecord<String, String> original, String aggregateId, String newAggregateId, String topic) {
        String eventId = header(original, EventHeaders.ID);
        String newEventId = UUID.randomUUID().toString();
        var copy = new ProducerRecord<String, String>(
                topic,
                newAggregateId,
                original.value().replace(aggregateId, newAggregateId).replace(eventId, newEventId));
        for (var header : original.headers()) {
            copy.headers().add(header);
        }
        copy.headers().remove(EventHeaders.ID).add(EventHeaders.ID, newEventId.getBytes(StandardCharsets.UTF_8));
        copy.headers()
                .remove(EventHeaders.SUBJECT)
                .add(EventHeaders.SUBJECT, newAggregateId.getBytes(StandardCharsets.UTF_8));
        return copy;
    }

    static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    static void log(String line) {
        System.out.println("[faults] " + line);
    }

    @Override
    public void close() {
        if (mongo != null) {
            mongo.close();
        }
        launched.forEach(ServiceProcess::close);
        cluster.close();
    }
}
