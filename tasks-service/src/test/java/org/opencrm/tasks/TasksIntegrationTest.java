package org.opencrm.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.jayway.jsonpath.JsonPath;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.EventHeaders;
import org.opencrm.events.Money;
import org.opencrm.events.Topics;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.KafkaTestConsumer;
import org.opencrm.testkit.TestInfrastructure;
import org.opencrm.testkit.UseTestInfrastructure;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The shared setup of the service tests: tasks-service on the real broker and database, a WireMock
 * deals-service, the movable test clock and a fast due-index scan. Every test class extending it shares one
 * Spring context; each test uses tenants of its own.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        classes = {TasksApplication.class, TestClockConfiguration.class},
        properties = {
            "crm.tasks.deals-url=http://127.0.0.1:${test.deals-service.port}",
            "crm.tasks.sla.scan-interval=200ms",
            "crm.tasks.deals.retry-wait=50ms",
            // the stand-in deals-service may answer late on a loaded CI machine: a timed-out close is a 503,
            // which would hide the answer a test is about (no test here waits for the timeout)
            "crm.tasks.deals.read-timeout=15s",
            "crm.consumer.initial-backoff=50ms",
            "crm.consumer.max-backoff=200ms"
        })
@UseTestInfrastructure
public abstract class TasksIntegrationTest {

    protected static final WireMockServer DEALS =
            new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    protected static KafkaProducer<String, String> producer;

    static {
        DEALS.start();
    }

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void dealsService(DynamicPropertyRegistry registry) {
        registry.add("test.deals-service.port", DEALS::port);
    }

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

    protected static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    protected static Instant now() {
        return TestClock.INSTANCE.instant();
    }

    // ---- HTTP

    protected record Response(int status, String body, HttpResponse<String> raw) {

        public <T> T json(String path) {
            return JsonPath.read(body, path);
        }
    }

    protected Response call(String method, String path, String token, String body, Map<String, String> headers) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        try {
            var response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    protected Response get(String path, String token) {
        return call("GET", path, token, null, Map.of());
    }

    protected Response post(String path, String token, String body) {
        return call("POST", path, token, body, Map.of());
    }

    protected Response put(String path, String token, String body) {
        return call("PUT", path, token, body, Map.of());
    }

    protected Response patch(String path, String token, String body) {
        return call("PATCH", path, token, body, Map.of());
    }

    protected static String admin(String tenant) {
        return TestJwts.user("admin-" + tenant).tenant(tenant).roles("ADMIN").mint();
    }

    protected static String manager(String tenant, String user, String department) {
        return TestJwts.user(user)
                .tenant(tenant)
                .departments(department)
                .roles("MANAGER")
                .mint();
    }

    /** A team whose members all have the given role; the first user is its head. */
    protected Response putTeam(String tenant, String department, String delay, String role, String... users) {
        var members = new StringBuilder();
        for (String user : users) {
            if (!members.isEmpty()) {
                members.append(',');
            }
            members.append("{\"userId\":\"%s\",\"name\":\"%s\",\"email\":\"%s@example.test\",\"roles\":[\"%s\"]}"
                    .formatted(user, user, user, role));
        }
        var response =
                put("/api/teams/" + department, admin(tenant), """
                {"name": "Team %s", "headUserIds": ["head-%s"], "members": [%s],
                 "timeZone": "Europe/Berlin", "reassignmentDelay": "%s"}
                """.formatted(department, department, members, delay));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response;
    }

    protected String createTask(
            String tenant,
            String token,
            String assignee,
            String department,
            Instant due,
            String dealId,
            String contactId) {
        var response = post("/api/tasks", token, """
                {"title": "Call back", "type": "CALL", "assigneeId": %s, "departmentId": %s, "dueAt": "%s",
                 "dealId": %s, "contactId": %s}
                """.formatted(
                        quoted(assignee), quoted(department), due, quoted(dealId), quoted(contactId)));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json("$.id");
    }

    protected static String quoted(String value) {
        return value == null ? "null" : "\"" + value + "\"";
    }

    // ---- Kafka

    protected static void send(CrmEvent event) {
        try {
            producer.send(EventRecords.toRecord(event, "/crm/test")).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    protected static KafkaTestConsumer tasksTopic() {
        return KafkaTestConsumer.subscribe(TestInfrastructure.kafkaBootstrapServers(), Topics.TASKS, Topics.TEAMS);
    }

    protected static Predicate<ConsumerRecord<String, String>> event(String tenant, String simpleType) {
        return r -> tenant.equals(header(r, EventHeaders.TENANT))
                && header(r, EventHeaders.TYPE).endsWith("." + simpleType + ".v1");
    }

    protected static Predicate<ConsumerRecord<String, String>> event(String tenant, String simpleType, String key) {
        return event(tenant, simpleType).and(r -> key.equals(r.key()));
    }

    protected static String header(ConsumerRecord<String, String> record, String name) {
        return EventRecords.header(record.headers(), name).orElse("");
    }

    protected static <T> T field(ConsumerRecord<String, String> record, String path) {
        return JsonPath.read(record.value(), path);
    }

    protected static List<ConsumerRecord<String, String>> settle(
            KafkaTestConsumer consumer, Predicate<ConsumerRecord<String, String>> filter) {
        return consumer.drain(filter, Duration.ofSeconds(2));
    }

    // ---- deal events as deals-service publishes them

    protected static DealCreated dealCreated(String tenant, String dealId, String owner, String department) {
        return new DealCreated(
                UUID.randomUUID().toString(),
                tenant,
                dealId,
                1,
                now(),
                Actor.user(owner),
                "pipeline-windows",
                "first-call",
                "OPEN",
                0,
                10,
                "Windows for the Smiths",
                "contact-" + dealId,
                null,
                owner,
                department,
                new Money(new BigDecimal("1200.00"), "EUR"),
                "website",
                null,
                null);
    }

    protected static DealStageChanged stageChanged(
            String tenant,
            String dealId,
            long version,
            String from,
            String to,
            String toKind,
            String owner,
            String department) {
        return new DealStageChanged(
                UUID.randomUUID().toString(),
                tenant,
                dealId,
                version,
                now(),
                Actor.user(owner),
                "pipeline-windows",
                from,
                to,
                toKind,
                owner,
                department,
                null,
                "LOST".equals(toKind) ? "too-expensive" : null,
                "contact-" + dealId,
                "OPEN",
                1,
                2,
                40,
                new Money(new BigDecimal("1200.00"), "EUR"),
                3600);
    }
}
