package org.opencrm.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.opencrm.analytics.projection.AnalyticsTopics;
import org.opencrm.events.CrmEvent;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.TestInfrastructure;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Producing events, waiting until the service consumed them, and calling the reports over HTTP. */
abstract class AnalyticsTestSupport {

    static final String MARCH = "from=2026-03-01&to=2026-03-31&timeZone=UTC";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static KafkaProducer<String, String> producer;

    @LocalServerPort
    int port;

    @BeforeAll
    static void connect() {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    @AfterAll
    static void disconnect() {
        producer.close();
    }

    static void publish(List<CrmEvent> events) {
        events.forEach(event -> producer.send(EventRecords.toRecord(event, "/crm/test")));
        producer.flush();
    }

    /** Waits until the live listener has processed every record on the analytics topics. */
    static void awaitConsumed() {
        try (var admin = AdminClient.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()))) {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        var partitions = new ArrayList<TopicPartition>();
                        for (var description : admin.describeTopics(AnalyticsTopics.ALL)
                                .allTopicNames()
                                .get()
                                .values()) {
                            description
                                    .partitions()
                                    .forEach(
                                            p -> partitions.add(new TopicPartition(description.name(), p.partition())));
                        }
                        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                        partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
                        var ends = admin.listOffsets(latest).all().get();
                        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                                        "analytics-service")
                                .partitionsToOffsetAndMetadata()
                                .get();
                        for (var partition : partitions) {
                            long end = ends.get(partition).offset();
                            long done = committed.get(partition) == null
                                    ? 0
                                    : committed.get(partition).offset();
                            assertThat(done)
                                    .as("consumed offset of %s", partition)
                                    .isGreaterThanOrEqualTo(end);
                        }
                    });
        }
    }

    HttpResponse<String> get(String path, String token, String accept) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token)
                .header("Accept", accept)
                .GET()
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    JsonNode report(String path, String token) throws Exception {
        var response = get(path, token, "application/json");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    static JsonNode json(String body) {
        return JSON.readTree(body);
    }

    static String admin(String tenant) {
        return TestJwts.user("admin").tenant(tenant).roles("ADMIN").mint();
    }

    /** The one row of {@code rows} whose fields have the given values. */
    static JsonNode row(JsonNode report, Map<String, String> fields) {
        var matching = StreamSupport.stream(report.get("rows").spliterator(), false)
                .filter(row -> fields.entrySet().stream()
                        .allMatch(f -> row.get(f.getKey()) != null
                                && Objects.equals(row.get(f.getKey()).asString(), f.getValue())))
                .toList();
        assertThat(matching).as("rows matching %s in %s", fields, report).hasSize(1);
        return matching.getFirst();
    }

    static List<String> values(JsonNode report, String field) {
        return StreamSupport.stream(report.get("rows").spliterator(), false)
                .map(row -> row.get(field).asString())
                .toList();
    }
}
