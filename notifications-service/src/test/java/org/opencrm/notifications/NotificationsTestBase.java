package org.opencrm.notifications;

import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.teams.TeamMember;
import org.opencrm.events.teams.TeamUpdated;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.TestInfrastructure;
import org.opencrm.testkit.UseTestInfrastructure;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One Spring context for every service test: the real Kafka broker and MongoDB server of the test kit,
 * GreenMail as the SMTP server (stoppable and restartable on its port), WireMock as the SMS provider and
 * webhook receiver, and a clock tests can move. Each test uses its own tenant.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "crm.notifications.dispatch.poll-interval=100ms",
            "crm.notifications.dispatch.backoff-initial=300ms",
            "crm.notifications.dispatch.backoff-max=1s",
            "crm.notifications.dispatch.breaker-open-for=500ms",
            "crm.notifications.webhooks.allowed-hosts=127.0.0.1",
            "crm.notifications.webhooks.disable-after-failures=4",
            "crm.notifications.webhooks.timeout=5s",
            "crm.notifications.sms.timeout=5s",
            "crm.notifications.stream.poll-interval=200ms",
            // digests run when a test says so
            "crm.notifications.digest.interval=1h",
            // birthday greetings too; the identity provider's token endpoint is WireMock
            "crm.notifications.birthdays.interval=1h",
            "crm.notifications.birthdays.client-secret=test-client-secret",
            "crm.notifications.clients.unsubscribe-secret=test-secret"
        })
@UseTestInfrastructure
@Import(NotificationsTestBase.TestClock.class)
public abstract class NotificationsTestBase {

    protected static final int SMTP_PORT = freePort();
    protected static volatile GreenMail smtp = startSmtp();
    protected static final WireMockServer wiremock = startWiremock();
    protected static final HttpClient HTTP = HttpClient.newHttpClient();
    private static KafkaProducer<String, String> producer;

    @LocalServerPort
    protected int port;

    @Autowired
    protected MongoTemplate mongo;

    @Autowired
    protected MutableClock clock;

    @TestConfiguration
    static class TestClock {
        @Bean
        @Primary
        MutableClock mutableClock() {
            return new MutableClock();
        }
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.port", () -> SMTP_PORT);
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("crm.notifications.sms.url", () -> "http://127.0.0.1:" + wiremock.port() + "/sms");
        registry.add("crm.notifications.clients.contacts-url", () -> "http://127.0.0.1:" + wiremock.port());
        registry.add(
                "crm.notifications.birthdays.token-uri", () -> "http://127.0.0.1:" + wiremock.port() + "/oauth2/token");
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    protected static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected static GreenMail startSmtp() {
        var setup = new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        // a restart during a test (an outage ending) can take longer than the default 2 s on a busy machine
        setup.setServerStartupTimeout(15_000);
        var server = new GreenMail(setup);
        server.start();
        return server;
    }

    private static WireMockServer startWiremock() {
        var server =
                new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        return server;
    }

    protected static synchronized void publish(CrmEvent event) {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
        }
        try {
            producer.send(EventRecords.toRecord(event, "/crm/test")).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    protected static Actor system() {
        return new Actor(Actor.Kind.SYSTEM, "test");
    }

    protected static TeamMember member(
            String userId, String name, String email, String phone, String language, String zone) {
        return new TeamMember(userId, name, email, phone, List.of("MANAGER"), zone, language, true, null);
    }

    /** Publishes the team and waits until this service knows its members. */
    protected void team(String tenant, String teamId, List<String> heads, TeamMember... members) {
        publish(new TeamUpdated(
                UUID.randomUUID().toString(),
                tenant,
                teamId,
                1,
                Instant.now(),
                system(),
                "Sales",
                true,
                heads,
                Arrays.asList(members)));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Arrays.stream(members)
                        .allMatch(m ->
                                mongo.exists(new Query(where("_id").is(tenant + ":" + m.userId())), "user_profiles")));
    }

    protected static List<MimeMessage> mailTo(String address) {
        return Arrays.stream(smtp.getReceivedMessages())
                .filter(m -> {
                    try {
                        return Arrays.stream(m.getRecipients(Message.RecipientType.TO))
                                .anyMatch(a -> a.toString().equalsIgnoreCase(address));
                    } catch (Exception e) {
                        return false;
                    }
                })
                .toList();
    }

    protected HttpResponse<String> call(String method, String path, String token, String json) {
        var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token);
        if (json != null) {
            builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected static String admin(String tenant) {
        return TestJwts.user("admin").tenant(tenant).roles("ADMIN").mint();
    }

    protected static String user(String tenant, String userId) {
        return TestJwts.user(userId).tenant(tenant).roles("MANAGER").mint();
    }
}
