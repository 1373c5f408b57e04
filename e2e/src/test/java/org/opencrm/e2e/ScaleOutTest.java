package org.opencrm.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scale-out (issue 10, deliverable 5): a second instance of tasks-service, notifications-service and
 * analytics-service ({@code platform up --scale NAME=2}, each on its port + 100) joins its service's consumer
 * groups; a burst of leads is then shared between the two instances of each service, and the outcome has
 * no doubles: one call-back task per deal, one "New task" e-mail per task, and analytics counting each lead
 * and deal once.
 */
@ExtendWith(LocalPlatform.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScaleOutTest {

    static final Map<String, Integer> PORTS = Map.of("tasks", 8083, "notifications", 8084, "analytics", 8085);
    static final int LEADS = 12;

    final List<String> startedHere = new ArrayList<>();

    @BeforeAll
    void secondInstances() throws Exception {
        var platform = LocalPlatform.current();
        for (var service : PORTS.keySet()) {
            if (!ready(PORTS.get(service) + 100)) {
                startedHere.add(service + "-2");
            }
        }
        if (startedHere.isEmpty()) {
            return;
        }
        var log = Files.createTempFile("e2e-scale-up", ".log");
        var up = LocalPlatform.platform(
                        platform.root(),
                        platform.localDir(),
                        log,
                        "up",
                        "--no-build",
                        "--no-demo",
                        "--scale",
                        "tasks=2",
                        "--scale",
                        "notifications=2",
                        "--scale",
                        "analytics=2")
                .start();
        assertThat(up.waitFor(8, TimeUnit.MINUTES)).isTrue();
        assertThat(up.exitValue()).as(LocalPlatform.tail(log)).isZero();
    }

    @AfterAll
    void stopWhatThisTestStarted() throws Exception {
        if (startedHere.isEmpty()) {
            return;
        }
        var platform = LocalPlatform.current();
        var args = new ArrayList<>(List.of("stop"));
        args.addAll(startedHere);
        var stop = LocalPlatform.platform(
                        platform.root(),
                        platform.localDir(),
                        Files.createTempFile("e2e-scale-stop", ".log"),
                        args.toArray(String[]::new))
                .start();
        stop.waitFor(3, TimeUnit.MINUTES);
    }

    @Test
    void twoInstancesOfTasksNotificationsAndAnalyticsShareTheLeadsWithoutADoubleTaskMessageOrCount() {
        Map<Integer, Double> consumedBefore = new LinkedHashMap<>();
        for (int port : instancePorts()) {
            consumedBefore.put(port, recordsConsumed(port));
        }

        String run = WalkThroughTest.randomLetters(8);
        String source = "e2e-scale-" + run;
        var integration = Api.integration();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < LEADS; i++) {
            String name = "Clara Scale" + WalkThroughTest.capitalized(run) + (char) ('a' + i);
            names.add(name);
            integration
                    .post(
                            "/api/leads",
                            Map.of(
                                    "name",
                                    name,
                                    "phone",
                                    WalkThroughTest.randomMobile(),
                                    "source",
                                    source,
                                    "departmentId",
                                    "sales"))
                    .ok();
        }

        var admin = Api.as("admin");
        var head = Api.as("head-of-sales");
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(dealsOf(admin, source)).hasSize(LEADS));
        // the figures reach their totals and then stay there (a double would come later than the first copy)
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .during(Duration.ofSeconds(5))
                .untilAsserted(() -> {
                    for (var deal : dealsOf(admin, source)) {
                        var tasks = admin.get("/api/tasks?dealId=" + deal)
                                .ok()
                                .json()
                                .get("items");
                        assertThat(tasks).as("tasks of deal %s", deal).hasSize(1);
                    }
                    for (var name : names) {
                        long mails = 0;
                        for (var manager : List.of("manager-1", "manager-2")) {
                            mails += Mailbox.inbox(manager + "@demo.local").stream()
                                    .filter(m -> m.subject().equals("New task: Call the client back: Lead: " + name))
                                    .count();
                        }
                        assertThat(mails).as("'New task' e-mails for %s", name).isEqualTo(1);
                    }
                    var row = WalkThroughTest.stream(head.get("/api/analytics/sources")
                                    .ok()
                                    .json()
                                    .get("rows"))
                            .filter(r -> r.get("source").asString().equals(source))
                            .findFirst()
                            .orElseThrow(() -> new AssertionError("no analytics row for " + source));
                    assertThat(row.get("leads").asInt()).isEqualTo(LEADS);
                    assertThat(row.get("deals").asInt()).isEqualTo(LEADS);
                });

        // both instances of each service consumed records of this burst: the partitions were shared
        for (int port : instancePorts()) {
            assertThat(recordsConsumed(port))
                    .as("records consumed by the instance on port %d", port)
                    .isGreaterThan(consumedBefore.get(port));
        }
    }

    static List<String> dealsOf(Api admin, String source) {
        return WalkThroughTest.stream(
                        admin.get("/api/deals?size=200").ok().json().get("items"))
                .filter(d -> source.equals(d.path("source").asString(null)))
                .map(d -> d.get("id").asString())
                .toList();
    }

    static List<Integer> instancePorts() {
        var ports = new ArrayList<Integer>();
        PORTS.values().forEach(p -> {
            ports.add(p);
            ports.add(p + 100);
        });
        return ports;
    }

    /** The instance's Kafka consumers' record count (Micrometer's Kafka client metrics, /actuator/prometheus). */
    static double recordsConsumed(int port) {
        var res = Api.send(HttpRequest.newBuilder(
                        java.net.URI.create("http://" + LocalPlatform.HOST + ":" + port + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(10))
                .GET());
        assertThat(res.status()).as("metrics of port %d", port).isEqualTo(200);
        return res.text()
                .lines()
                .filter(l -> l.startsWith("kafka_consumer_fetch_manager_records_consumed_total{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    static boolean ready(int port) {
        try {
            var res = Api.send(HttpRequest.newBuilder(java.net.URI.create(
                            "http://" + LocalPlatform.HOST + ":" + port + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(5))
                    .GET());
            return res.status() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
