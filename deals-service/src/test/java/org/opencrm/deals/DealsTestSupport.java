package org.opencrm.deals;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.Topics;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.KafkaTestConsumer;
import org.opencrm.testkit.TestInfrastructure;
import org.opencrm.testkit.UseTestInfrastructure;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * One Spring context for every test of the service (same annotations, same properties), on the real
 * broker and database of the test kit. Each test uses its own tenant instead of cleaning up.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseTestInfrastructure
@Import(SettingsReads.class)
abstract class DealsTestSupport {

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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

    static String newTenant() {
        return "tenant-" + UUID.randomUUID();
    }

    static String admin(String tenant) {
        return TestJwts.user("admin-1").tenant(tenant).roles("ADMIN").mint();
    }

    static String manager(String tenant, String user, String department) {
        return TestJwts.user(user)
                .tenant(tenant)
                .departments(department)
                .roles("MANAGER")
                .mint();
    }

    static void publish(CrmEvent event) {
        try {
            producer.send(EventRecords.toRecord(event, "/crm/test")).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static KafkaTestConsumer dealEvents() {
        return KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.DEALS);
    }

    /** Records of one deal of the given event type, e.g. {@code DealStageChanged}. */
    static java.util.function.Predicate<ConsumerRecord<String, String>> ofDeal(String dealId, String eventName) {
        return r -> dealId.equals(r.key())
                && ("crm.deals." + eventName + ".v1")
                        .equals(EventRecords.header(r.headers(), EventHeaders.TYPE)
                                .orElse(null));
    }

    /** Records of one tenant of the given event type. */
    static java.util.function.Predicate<ConsumerRecord<String, String>> ofTenant(String tenant, String eventName) {
        return r -> tenant.equals(
                        EventRecords.header(r.headers(), EventHeaders.TENANT).orElse(null))
                && ("crm.deals." + eventName + ".v1")
                        .equals(EventRecords.header(r.headers(), EventHeaders.TYPE)
                                .orElse(null));
    }

    HttpResponse<String> send(String method, String path, String token, String json, String ifMatch) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        if (json != null) {
            request.header("Content-Type", "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path, String token) {
        return send("GET", path, token, null, null);
    }

    HttpResponse<String> post(String path, String token, String json) {
        return send("POST", path, token, json, null);
    }

    /** Creates a deal and returns its id. */
    String createDeal(String token, String json) {
        var response = post("/api/deals", token, json);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return read(response, "$.id");
    }

    static <T> T read(HttpResponse<String> response, String path) {
        return JsonPath.read(response.body(), path);
    }

    private static final JsonMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    /** A number of the body as written, e.g. {@code 892.50}: JsonPath would read it as a double. */
    static String decimal(HttpResponse<String> response, String jsonPointer) {
        return EXACT.readTree(response.body()).at(jsonPointer).decimalValue().toPlainString();
    }

    static String etag(HttpResponse<String> response) {
        return response.headers().firstValue("ETag").orElseThrow();
    }

    static List<String> ids(HttpResponse<String> page) {
        return JsonPath.read(page.body(), "$.items[*].id");
    }

    /** Uploads one file as a multipart body, as the web client does. */
    HttpResponse<String> upload(String dealId, String token, String name, String type, byte[] content)
            throws Exception {
        String boundary = "----crm" + UUID.randomUUID();
        var body = new java.io.ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                        + "\"\r\nContent-Type: " + type + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(content);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/deals/" + dealId + "/attachments"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
