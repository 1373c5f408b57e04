package org.opencrm.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.opencrm.events.Actor;
import org.opencrm.events.CrmEvent;
import org.opencrm.events.Direction;
import org.opencrm.events.Money;
import org.opencrm.events.contacts.InteractionLogged;
import org.opencrm.events.contacts.InteractionType;
import org.opencrm.events.deals.DealCreated;
import org.opencrm.events.deals.DealStageChanged;
import org.opencrm.platform.events.EventRecords;
import org.opencrm.testkit.TestInfrastructure;
import org.opencrm.testkit.UseTestInfrastructure;
import org.opencrm.testkit.security.SecurityFixture;
import org.opencrm.testkit.security.ServiceSecurityTest;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The security suite (docs/reliability.md) on analytics-service. Analytics has no records of its own to address:
 * tenant A's deal of department d1, owned by another user, and an appeal logged by that user are seeded as events,
 * with a pipeline, a stage, a lead source and an appeal topic that are markers only tenant A's callers who see the
 * owner's figures may ever get. The reports take no path parameters, so the matrix checks what each of the 28
 * callers' reports carry and that tenant B's reports are the same before and after tenant A's events arrived.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseTestInfrastructure
class AnalyticsSecurityTest extends ServiceSecurityTest {

    @Override
    protected void queries(SecurityFixture fixture) {
        // pipeline-as-of needs its day; every other report defaults to the last 30 days, which hold the seed
        fixture.query("date", LocalDate.now(ZoneOffset.UTC).toString());
    }

    @Override
    protected void seed(SecurityFixture fixture) throws Exception {
        String secret = "zzsecret-" + tenantA;
        String deal = "deal-" + secret;
        String pipeline = secret + "-pipeline";
        String stage = secret + "-stage";
        String source = secret + "-source";
        String topic = secret + "-topic";
        Instant created = Instant.now().minus(2, ChronoUnit.DAYS);
        var actor = Actor.user(OWNER);
        var money = new Money(new BigDecimal("1234.00"), "EUR");
        List<CrmEvent> events = List.of(
                new DealCreated(
                        UUID.randomUUID().toString(),
                        tenantA,
                        deal,
                        1,
                        created,
                        actor,
                        pipeline,
                        "new",
                        "OPEN",
                        0,
                        10,
                        secret + "-title",
                        null,
                        null,
                        OWNER,
                        D1,
                        money,
                        source,
                        null,
                        null),
                new DealStageChanged(
                        UUID.randomUUID().toString(),
                        tenantA,
                        deal,
                        2,
                        created.plus(1, ChronoUnit.HOURS),
                        actor,
                        pipeline,
                        "new",
                        stage,
                        "OPEN",
                        OWNER,
                        D1,
                        secret + "-comment",
                        null,
                        null,
                        "OPEN",
                        0,
                        1,
                        40,
                        money,
                        3600L),
                new InteractionLogged(
                        UUID.randomUUID().toString(),
                        tenantA,
                        "contact-" + secret,
                        1,
                        created,
                        actor,
                        "interaction-" + secret,
                        InteractionType.APPEAL,
                        Direction.INBOUND,
                        created,
                        60L,
                        "phone",
                        "REACHED",
                        OWNER,
                        D1,
                        null,
                        topic,
                        null));
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            for (CrmEvent event : events) {
                producer.send(EventRecords.toRecord(event, "/crm/test")).get();
            }
        }
        String admin = tokenA(D1, "ADMIN");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(call("GET", "/api/analytics/funnel", admin, null).body()).contains(stage);
            assertThat(call("GET", "/api/analytics/sources", admin, null).body())
                    .contains(source);
            assertThat(call("GET", "/api/analytics/appeals", admin, null).body())
                    .contains(topic);
        });
        fixture.record("deal", deal, OWNER, D1, pipeline, stage, source, topic)
                .secret(secret)
                // replays every topic into a new projection version: the matrix starts it once per caller allowed
                .notFuzzed("POST /api/analytics/rebuild", "replays every topic in the background");
    }

    /**
     * The filter that made {@code date[$ne]=x} a 400 (binding the report parameters as a property path answered 500
     * before it): every report, every parameter, both spellings, percent-encoded or not.
     */
    @Test
    @Order(10)
    void reportParametersNamedLikeOperatorsAre400ProblemsOnEveryReport() {
        String analyst = tokenA(D1, "ANALYST");
        int tried = 0;
        for (String report : List.of("activity", "appeals", "deals", "funnel", "pipeline-as-of", "sources")) {
            for (String parameter :
                    List.of("date", "from", "to", "timeZone", "departmentId", "ownerId", "pipelineId")) {
                for (String name : List.of(
                        parameter + "%5B%24ne%5D",
                        parameter + "%5B$gt%5D",
                        parameter + ".$gt",
                        parameter + "%2E%24where",
                        parameter + "%5B%24where%5D")) {
                    var answer = send(HttpRequest.newBuilder(URI.create(
                                    "http://127.0.0.1:" + port + "/api/analytics/" + report + "?" + name + "=x"))
                            .header("Authorization", "Bearer " + analyst)
                            .GET()
                            .build());
                    tried++;
                    assertThat(answer.status()).as(report + "?" + name).isEqualTo(400);
                    assertThat(answer.headers().toString()).contains("application/problem+json");
                }
            }
        }
        assertThat(tried).isEqualTo(210);
    }
}
