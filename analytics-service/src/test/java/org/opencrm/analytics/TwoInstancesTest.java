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
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.opencrm.events.CrmEvent;
import org.opencrm.testkit.UseTestInfrastructure;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import tools.jackson.databind.JsonNode;

/**
 * Issue #12 item 5 on analytics-service: a second instance on the same database, broker and consumer group joins
 * while the test's own instance ingests a stream of ten tenants' scripted months ({@link Scenario}), every third
 * event published twice; the rebalance hands partitions whose records the first instance read but had not committed
 * to the second, which reads them again. Both instances take records of the stream, and every report of every tenant,
 * asked of either instance, shows exactly the figures of one month ({@link ScenarioFigures}): nothing counted twice,
 * nothing lost. e2e's ScaleOutTest does the same through the whole local run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@UseTestInfrastructure
class TwoInstancesTest extends AnalyticsTestSupport {

    private static final int TENANTS = 10;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ConfigurableApplicationContext second;

    @Autowired
    Environment environment;

    @Autowired
    ApplicationContext context;

    @AfterAll
    static void stopSecondInstance() {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void twoInstancesInOneGroupCountEveryEventOnce() throws Exception {
        List<Scenario> scenarios = new ArrayList<>();
        for (int t = 0; t < TENANTS; t++) {
            scenarios.add(new Scenario());
        }
        List<CrmEvent> stream = stream(scenarios);
        double before = consumed(context);
        int half = stream.size() / 2;

        publish(stream.subList(0, half));
        startSecondInstance();
        // the group has rebalanced once the second instance holds partitions; the rest of the stream is split
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !assigned(second).isEmpty());
        publish(stream.subList(half, stream.size()));
        awaitConsumed();

        double byFirst = consumed(context) - before;
        double bySecond = consumed(second);
        assertThat(byFirst).as("records the test's instance took").isPositive();
        assertThat(bySecond).as("records the second instance took").isPositive();
        int secondPort = Integer.parseInt(second.getEnvironment().getProperty("local.server.port"));
        for (Scenario scenario : scenarios) {
            String admin = admin(scenario.tenant);
            assertAllFigures(port, admin);
            assertAllFigures(secondPort, admin);
        }
        int distinct = scenarios.stream().mapToInt(s -> s.events.size()).sum();
        System.out.printf(
                "[reliability] analytics-service two instances: %d records (%d distinct events of %d tenants), taken"
                        + " %.0f by the first instance and %.0f by the second (rebalance re-reads included); every"
                        + " report of every tenant exact on both, 0 counted twice, 0 lost%n",
                stream.size(), distinct, TENANTS, byFirst, bySecond);
    }

    /** The tenants' events interleaved, each tenant's in its order, every third one twice in a row (a retry). */
    private static List<CrmEvent> stream(List<Scenario> scenarios) {
        List<CrmEvent> stream = new ArrayList<>();
        int longest = scenarios.stream().mapToInt(s -> s.events.size()).max().orElse(0);
        int n = 0;
        for (int i = 0; i < longest; i++) {
            for (Scenario scenario : scenarios) {
                if (i < scenario.events.size()) {
                    stream.add(scenario.events.get(i));
                    if (n++ % 3 == 0) {
                        stream.add(scenario.events.get(i));
                    }
                }
            }
        }
        return stream;
    }

    private void assertAllFigures(int port, String admin) throws Exception {
        ScenarioFigures.assertFunnel(report(port, "/api/analytics/funnel?" + MARCH, admin));
        ScenarioFigures.assertDeals(report(port, "/api/analytics/deals?" + MARCH, admin));
        ScenarioFigures.assertSources(report(port, "/api/analytics/sources?" + MARCH, admin));
        ScenarioFigures.assertActivity(report(port, "/api/analytics/activity?" + MARCH, admin));
        ScenarioFigures.assertAppeals(report(port, "/api/analytics/appeals?" + MARCH, admin));
        ScenarioFigures.assertPipelineOnMarch5(
                report(port, "/api/analytics/pipeline-as-of?date=2026-03-05&timeZone=UTC", admin));
    }

    private static JsonNode report(int port, String path, String token) throws Exception {
        var response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + token)
                        .header("Accept", "application/json")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body());
    }

    /** The partitions the instance's live listener (group analytics-service) holds. */
    private static List<TopicPartition> assigned(ApplicationContext instance) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (var container :
                instance.getBean(KafkaListenerEndpointRegistry.class).getListenerContainers()) {
            if ("analytics-service".equals(container.getGroupId()) && container.getAssignedPartitions() != null) {
                partitions.addAll(container.getAssignedPartitions());
            }
        }
        return partitions;
    }

    /** Records the instance's live listener (group analytics-service) has taken from the broker, copies included. */
    private static double consumed(ApplicationContext instance) {
        double total = 0;
        for (var container :
                instance.getBean(KafkaListenerEndpointRegistry.class).getListenerContainers()) {
            if (!"analytics-service".equals(container.getGroupId())) {
                continue;
            }
            for (Map<org.apache.kafka.common.MetricName, ? extends Metric> metrics :
                    container.metrics().values()) {
                for (var metric : metrics.entrySet()) {
                    if (metric.getKey().name().equals("records-consumed-total")
                            && metric.getKey().group().equals("consumer-fetch-manager-metrics")
                            && !metric.getKey().tags().containsKey("topic")) {
                        total += ((Number) metric.getValue().metricValue()).doubleValue();
                    }
                }
            }
        }
        return total;
    }

    private void startSecondInstance() {
        Map<String, Object> properties = new HashMap<>(TestJwts.springProperties());
        properties.put("server.port", "0");
        properties.put("spring.lifecycle.timeout-per-shutdown-phase", "3s");
        for (String name : List.of("spring.mongodb.uri", "spring.kafka.bootstrap-servers")) {
            properties.put(name, environment.getProperty(name));
        }
        // The group's range assignment gives each topic's three partitions to the first three members by member id
        // (client id, then a random suffix). Kafka numbers the clients of one JVM: the test's instance has
        // consumer-analytics-service-1..3, a second one in the same JVM would get 4..6 and hold nothing (separate
        // processes both start at 1 and share the partitions). These ids sort right after the test's first
        // consumer, so both instances hold partitions, as in the local run at two instances.
        properties.put("spring.kafka.consumer.client-id", "consumer-analytics-service-1-second");
        // As command-line arguments, so they outrank application.yml like the test context's properties do.
        String[] args = properties.entrySet().stream()
                .map(p -> "--" + p.getKey() + "=" + p.getValue())
                .toArray(String[]::new);
        second = new SpringApplicationBuilder(AnalyticsApplication.class).run(args);
    }
}
