package org.opencrm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Prometheus scrapes every app of deploy/compose, and every Grafana dashboard parses and queries metrics the
 * apps really export: the platform's and services' own meters (read from the code, so a renamed meter fails
 * here) and the framework meters Spring Boot registers.
 */
class MonitoringTest {

    static final Path COMPOSE = Repo.path("deploy/compose");

    /**
     * Meters Spring Boot and its integrations register in every app, as Prometheus names them. Each was chosen
     * because the platform turns it on: http_server_requests with a histogram
     * (platform-defaults.properties: percentiles-histogram), Kafka client metrics (spring-boot-kafka's
     * KafkaMetricsAutoConfiguration), listener observations (spring.kafka.listener.observation-enabled=true).
     */
    static final Set<String> FRAMEWORK_METRICS = Set.of(
            "up",
            "http_server_requests_seconds_count",
            "http_server_requests_seconds_bucket",
            "http_server_requests_seconds_sum",
            "jvm_memory_used_bytes",
            "process_cpu_usage",
            "kafka_consumer_fetch_manager_records_lag_max",
            "spring_kafka_listener_seconds_count");

    static final Set<String> PROMQL_WORDS = Set.of(
            "sum",
            "max",
            "min",
            "avg",
            "count",
            "rate",
            "increase",
            "irate",
            "by",
            "without",
            "on",
            "ignoring",
            "histogram_quantile",
            "label_values",
            "and",
            "or",
            "unless");

    /** Prometheus names of the meters registered in the code of every module: counters get _total. */
    static Set<String> codeMetrics() {
        Set<String> names = new TreeSet<>();
        var builder = Pattern.compile("(Counter|Gauge|Timer)\\.builder\\(\\s*\"([a-z0-9.]+)\"([^;]*)", Pattern.DOTALL);
        var baseUnit = Pattern.compile("\\.baseUnit\\(\"([a-z]+)\"\\)");
        for (String module : modules()) {
            for (Path source : Repo.mainSources(module)) {
                var matcher = builder.matcher(Repo.read(source));
                while (matcher.find()) {
                    String name = matcher.group(2).replace('.', '_');
                    var unit = baseUnit.matcher(matcher.group(3));
                    switch (matcher.group(1)) {
                        case "Counter" -> names.add(name + "_total");
                        case "Gauge" -> names.add(unit.find() ? name + "_" + unit.group(1) : name);
                        default -> {
                            names.add(name + "_seconds_count");
                            names.add(name + "_seconds_bucket");
                        }
                    }
                }
            }
        }
        return names;
    }

    static List<String> modules() {
        try (Stream<Path> dirs = Files.list(Repo.ROOT)) {
            return dirs.filter(d -> Files.isDirectory(d.resolve("src/main/java")))
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Metric names a PromQL expression selects: identifiers followed by a label matcher or a range. */
    static Set<String> metricsIn(String expr) {
        Set<String> names = new TreeSet<>();
        var selector = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*[{\\[]").matcher(expr);
        while (selector.find()) {
            if (!PROMQL_WORDS.contains(selector.group(1))) {
                names.add(selector.group(1));
            }
        }
        return names;
    }

    static Map<String, JsonNode> dashboards() {
        Map<String, JsonNode> dashboards = new TreeMap<>();
        try (Stream<Path> files = Files.list(COMPOSE.resolve("grafana/dashboards"))) {
            files.filter(f -> f.toString().endsWith(".json"))
                    .forEach(f -> dashboards.put(f.getFileName().toString(), Repo.json(f)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return dashboards;
    }

    static List<String> expressions(JsonNode dashboard) {
        List<String> exprs = new ArrayList<>();
        dashboard
                .path("panels")
                .forEach(panel -> panel.path("targets")
                        .forEach(t -> exprs.add(t.path("expr").asText())));
        return exprs;
    }

    static Map<String, String> scrapedServices() {
        JsonNode config = Repo.yaml(COMPOSE.resolve("prometheus/prometheus.yml"));
        Map<String, String> targets = new TreeMap<>();
        for (JsonNode job : config.path("scrape_configs")) {
            if (!job.path("job_name").asText().equals("crm")) {
                continue;
            }
            assertThat(job.path("metrics_path").asText()).isEqualTo("/actuator/prometheus");
            for (JsonNode group : job.path("static_configs")) {
                for (JsonNode target : group.path("targets")) {
                    targets.put(group.path("labels").path("service").asText(), target.asText());
                }
            }
        }
        return targets;
    }

    @Test
    void prometheusScrapesEveryAppOfComposeOnItsPortLabelledWithItsModule() {
        Map<String, String> expected = new TreeMap<>();
        ComposeFileTest.appServices().forEach((module, service) -> expected.put(module, service + ":8080"));
        assertThat(scrapedServices()).isEqualTo(expected);
    }

    @Test
    void grafanaIsProvisionedWithThePrometheusDatasourceAndTheDashboardFolder() {
        JsonNode datasources = Repo.yaml(COMPOSE.resolve("grafana/provisioning/datasources/prometheus.yml"));
        JsonNode prometheus = datasources.path("datasources").get(0);
        assertThat(prometheus.path("type").asText()).isEqualTo("prometheus");
        assertThat(prometheus.path("url").asText()).isEqualTo("http://prometheus:9090");
        JsonNode providers = Repo.yaml(COMPOSE.resolve("grafana/provisioning/dashboards/crm.yml"));
        String path =
                providers.path("providers").get(0).path("options").path("path").asText();
        assertThat(ComposeFileTest.COMPOSE.services().get("grafana").volumes())
                .contains("./grafana/dashboards:" + path + ":ro");
        dashboards()
                .values()
                .forEach(d -> d.findValues("datasource")
                        .forEach(ds -> assertThat(ds.path("uid").asText())
                                .as("panels use the provisioned datasource")
                                .isEqualTo(prometheus.path("uid").asText())));
    }

    @Test
    void everyDashboardQueriesOnlyMetricsTheAppsExport() {
        Set<String> known = new TreeSet<>(FRAMEWORK_METRICS);
        known.addAll(codeMetrics());
        assertThat(codeMetrics())
                .as("the platform's meters (docs/architecture.md)")
                .contains(
                        "crm_outbox_pending",
                        "crm_outbox_lag_seconds",
                        "crm_outbox_published_total",
                        "crm_consumer_dead_lettered_total");
        Set<String> queried = new TreeSet<>();
        dashboards().forEach((file, dashboard) -> {
            assertThat(dashboard.path("uid").asText()).as(file).isNotBlank();
            List<String> exprs = expressions(dashboard);
            assertThat(exprs).as(file).isNotEmpty();
            for (String expr : exprs) {
                Set<String> metrics = metricsIn(expr);
                assertThat(metrics).as("%s: %s selects a metric", file, expr).isNotEmpty();
                assertThat(known).as("%s: %s", file, expr).containsAll(metrics);
                queried.addAll(metrics);
            }
        });
        assertThat(queried)
                .as("the dashboards cover requests, consumer lag, the outbox and the business counters")
                .contains(
                        "http_server_requests_seconds_count",
                        "http_server_requests_seconds_bucket",
                        "kafka_consumer_fetch_manager_records_lag_max",
                        "crm_outbox_pending",
                        "crm_outbox_lag_seconds",
                        "crm_contacts_export_cards_total",
                        "crm_contacts_leads_received_total",
                        "crm_contacts_created_total",
                        "crm_contacts_calls_started_total",
                        "crm_deals_created_total",
                        "crm_deals_stage_changes_total",
                        "crm_deals_won_total",
                        "crm_deals_lost_total",
                        "crm_tasks_created_total",
                        "crm_tasks_completed_total",
                        "crm_tasks_overdue_total",
                        "crm_tasks_escalations_total",
                        "crm_notifications_deliveries_sent_total",
                        "crm_notifications_deliveries_failed_total",
                        "crm_notifications_deliveries_suppressed_total");
    }

    @Test
    void servicesAndPathsNamedInQueriesExist() {
        Set<String> services = scrapedServices().keySet();
        var service = Pattern.compile("service=\"([^\"]+)\"");
        var uri = Pattern.compile("uri=\"([^\"]+)\"");
        dashboards().forEach((file, dashboard) -> {
            for (String expr : expressions(dashboard)) {
                var s = service.matcher(expr);
                String named = null;
                while (s.find()) {
                    named = s.group(1);
                    assertThat(services).as("%s: %s", file, expr).contains(named);
                }
                var u = uri.matcher(expr);
                while (u.find()) {
                    assertThat(named)
                            .as("%s: a uri filter names its service", file)
                            .isNotNull();
                    assertThat(Controllers.paths(named))
                            .as("%s: %s is a path of %s", file, u.group(1), named)
                            .contains(u.group(1));
                }
            }
        });
    }
}
