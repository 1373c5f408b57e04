package org.opencrm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.opencrm.events.EventCatalog;
import org.opencrm.events.EventType;

/** deploy/compose/docker-compose.yml read strictly and checked for what a `docker compose up` needs. */
class ComposeFileTest {

    static final Path DIR = Repo.path("deploy/compose");
    static final Compose COMPOSE = Repo.yaml(DIR.resolve("docker-compose.yml"), Compose.class);
    static final String DOCKERFILE = "deploy/docker/Dockerfile";

    /** Compose services built from the Dockerfile, by Maven module. */
    static Map<String, String> appServices() {
        Map<String, String> byModule = new TreeMap<>();
        COMPOSE.services().forEach((name, service) -> {
            if (service.build() != null) {
                byModule.put(service.build().args().get("MODULE"), name);
            }
        });
        return byModule;
    }

    /** The environment a compose service gets: its env_files, then its own environment. */
    static Map<String, String> environment(Compose.Service service) {
        Map<String, String> env = new LinkedHashMap<>();
        if (service.envFile() != null) {
            for (String file : service.envFile()) {
                for (String line : Repo.read(DIR.resolve(file)).split("\n")) {
                    String trimmed = line.strip();
                    if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                        continue;
                    }
                    int eq = trimmed.indexOf('=');
                    assertThat(eq).as("%s: %s is KEY=value", file, trimmed).isPositive();
                    env.put(trimmed.substring(0, eq), trimmed.substring(eq + 1));
                }
            }
        }
        if (service.environment() != null) {
            env.putAll(service.environment());
        }
        return env;
    }

    @Test
    void everyServiceHasAnImageAndEveryBuildUsesTheOneDockerfileWithAnExistingModule() {
        COMPOSE.services().forEach((name, service) -> {
            assertThat(service.image()).as("%s: image", name).isNotBlank();
            if (service.build() != null) {
                Path context = DIR.resolve(service.build().context()).normalize();
                assertThat(context)
                        .as("%s: build context is the repository root", name)
                        .isEqualTo(Repo.ROOT);
                assertThat(service.build().dockerfile()).as(name).isEqualTo(DOCKERFILE);
                String module = service.build().args().get("MODULE");
                assertThat(context.resolve(module).resolve("pom.xml"))
                        .as("%s: MODULE %s is a Maven module", name, module)
                        .isRegularFile();
                assertThat(service.build().args()).as(name).containsOnlyKeys("MODULE");
            } else {
                assertThat(service.image())
                        .as("%s: a pulled image is pinned to a version", name)
                        .matches("[a-z0-9./-]+:[A-Za-z0-9._-]+")
                        .doesNotEndWith(":latest");
            }
        });
    }

    @Test
    void theGatewayAndEveryServiceModuleRunInCompose() {
        assertThat(appServices().keySet()).containsExactlyInAnyOrderElementsOf(Apps.MODULES);
    }

    @Test
    void dependenciesNameExistingServicesWithAConditionTheyCanMeet() {
        COMPOSE.services().forEach((name, service) -> {
            if (service.dependsOn() == null) {
                return;
            }
            service.dependsOn().forEach((target, dependency) -> {
                var other = COMPOSE.services().get(target);
                assertThat(other)
                        .as("%s depends on %s, which is not a service", name, target)
                        .isNotNull();
                switch (dependency.condition()) {
                    case "service_healthy" ->
                        assertThat(other.healthcheck() != null || other.build() != null)
                                .as(
                                        "%s waits for %s to be healthy: it needs a healthcheck (compose or the"
                                                + " Dockerfile's HEALTHCHECK)",
                                        name, target)
                                .isTrue();
                    case "service_completed_successfully" ->
                        assertThat(other.restart())
                                .as("%s waits for %s to finish: it must not restart", name, target)
                                .isEqualTo("no");
                    case "service_started" -> {}
                    default -> throw new AssertionError(name + ": unknown condition " + dependency.condition());
                }
            });
        });
    }

    @Test
    void servicesStartOnlyAfterTopicsAndTheReplicaSetExistAndLongRunningOnesRestart() {
        appServices().forEach((module, name) -> {
            var service = COMPOSE.services().get(name);
            if (!module.equals("gateway")) {
                assertThat(service.dependsOn()).as(name).containsKeys("kafka-init", "mongo-init", "keycloak");
            }
        });
        COMPOSE.services()
                .forEach((name, service) -> assertThat(service.restart())
                        .as("%s: restart policy", name)
                        .isIn("unless-stopped", "no"));
    }

    @Test
    void kafkaIsThreeKraftNodesWithReplicationThreeAndMinInsyncTwo() {
        var brokers = COMPOSE.services().entrySet().stream()
                .filter(e -> e.getKey().matches("kafka-\\d"))
                .toList();
        assertThat(brokers).hasSize(3);
        String voters = "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093";
        Set<String> clusterIds = new TreeSet<>();
        for (var broker : brokers) {
            var env = broker.getValue().environment();
            String id = broker.getKey().substring("kafka-".length());
            assertThat(env)
                    .as(broker.getKey())
                    .containsEntry("KAFKA_NODE_ID", id)
                    .containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
                    .containsEntry("KAFKA_CONTROLLER_QUORUM_VOTERS", voters)
                    .containsEntry("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://" + broker.getKey() + ":9092")
                    .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2")
                    .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2");
            assertThat(broker.getValue().image()).startsWith("apache/kafka:");
            assertThat(broker.getValue().healthcheck()).as(broker.getKey()).isNotNull();
            clusterIds.add(env.get("CLUSTER_ID"));
        }
        assertThat(clusterIds).as("one cluster id").hasSize(1);
    }

    @Test
    void everyCatalogueTopicAndItsDeadLetterTopicIsCreatedWithReplicationThree() {
        var init = COMPOSE.services().get("kafka-init");
        String script = String.join("\n", init.command());
        var loop = Pattern.compile("for topic in ([^;]+); do").matcher(script);
        assertThat(loop.find()).as("kafka-init loops over the topics").isTrue();
        List<String> created = List.of(loop.group(1).trim().split("\\s+"));
        assertThat(script)
                .contains("--topic \"$$topic\"")
                .contains("--partitions 3")
                .contains("--replication-factor 3")
                .contains("--config min.insync.replicas=2")
                .contains("--if-not-exists");
        assertThat(created).containsExactlyInAnyOrderElementsOf(catalogueTopics());
        assertThat(environment(COMPOSE.services().get("contacts")))
                .as("the services declare the same partitions")
                .containsEntry("CRM_CONSUMER_PARTITIONS", "3");
    }

    static Set<String> catalogueTopics() {
        Set<String> topics = new TreeSet<>();
        for (EventType<?> type : EventCatalog.all()) {
            topics.add(type.topic());
            topics.add(type.topic() + ".DLT");
        }
        return topics;
    }

    @Test
    void mongoIsAThreeMemberReplicaSetThatTheInitScriptInitiates() {
        String script = Repo.read(DIR.resolve("mongo/init-replica-set.js"));
        for (int i = 1; i <= 3; i++) {
            var member = COMPOSE.services().get("mongo-" + i);
            assertThat(member.command()).containsSequence("--replSet", "rs0");
            assertThat(member.healthcheck()).isNotNull();
            assertThat(script).contains("host: 'mongo-" + i + ":27017'");
        }
        assertThat(script).contains("_id: 'rs0'").contains("rs.initiate(");
        assertThat(COMPOSE.services().get("mongo-init").dependsOn()).containsKeys("mongo-1", "mongo-2", "mongo-3");
    }

    @Test
    void bindMountsNameFilesThatExist() {
        COMPOSE.services().forEach((name, service) -> {
            if (service.volumes() == null) {
                return;
            }
            for (String volume : service.volumes()) {
                String source = volume.split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(DIR.resolve(source).normalize())
                            .as("%s mounts %s", name, source)
                            .exists();
                } else {
                    assertThat(COMPOSE.volumes())
                            .as("%s: named volume %s is declared", name, source)
                            .containsKey(source);
                }
            }
        });
    }

    @Test
    void dollarSignsAreEscapedAndInterpolationsHaveDefaults() {
        String file = Repo.read(DIR.resolve("docker-compose.yml"));
        // $$ is a literal dollar for the container's shell; ${VAR:-default} is compose's own interpolation
        var dollars = Pattern.compile("\\$(\\$|\\{[A-Z0-9_]+:-[^}]*}|.)").matcher(file);
        while (dollars.find()) {
            assertThat(dollars.group(1))
                    .as("'$%s': escape a shell variable as $$, give ${VAR:-default}", dollars.group(1))
                    .matches("\\$|\\{.*");
        }
    }

    @Test
    void everyAppGetsTheVariablesItNeedsAndOnlyOnesItReads() {
        // no SMS provider in compose: SMS deliveries fail and are retried, e-mail and in-app are unaffected
        Set<String> leftAtDefault = Set.of("CRM_NOTIFICATIONS_SMS_URL");
        appServices().forEach((module, name) -> {
            Map<String, String> env = environment(COMPOSE.services().get(name));
            Set<String> needed = new TreeSet<>(Apps.mustBeSet(module));
            needed.removeAll(leftAtDefault);
            assertThat(env.keySet()).as("%s (%s) must set", name, module).containsAll(needed);
            assertThat(env)
                    .as("%s validates tokens with Keycloak's key set", name)
                    .containsKey("CRM_JWT_JWK_SET_URI");
            for (String variable : env.keySet()) {
                assertThat(Apps.reads(module, variable))
                        .as("%s sets %s, which %s does not read (a typo?)", name, variable, module)
                        .isTrue();
            }
        });
    }

    @Test
    void platformVariablesAreStillReadWhereTheTestsSayTheyAre() {
        Apps.PLATFORM_VARIABLES.forEach((variable, proof) -> assertThat(Repo.read(proof[0]))
                .as("%s is read by %s", variable, proof[0])
                .contains(proof[1]));
    }

    @Test
    void addressesInTheEnvironmentNameComposeServicesOrPublishedPorts() {
        var address = Pattern.compile("(?:^|[/@,])([a-z][a-z0-9-]*):(\\d+)");
        COMPOSE.services().forEach((name, service) -> {
            for (var entry : environment(service).entrySet()) {
                var matcher = address.matcher(entry.getValue());
                while (matcher.find()) {
                    String host = matcher.group(1);
                    String port = matcher.group(2);
                    if (host.equals("localhost")) {
                        assertThat(publishedPorts())
                                .as("%s %s: localhost:%s is published by a service", name, entry.getKey(), port)
                                .contains(port);
                    } else {
                        assertThat(COMPOSE.services())
                                .as("%s %s names host %s", name, entry.getKey(), host)
                                .containsKey(host);
                    }
                }
            }
        });
    }

    static Set<String> publishedPorts() {
        Set<String> ports = new TreeSet<>();
        COMPOSE.services().values().stream()
                .filter(s -> s.ports() != null)
                .forEach(s -> s.ports().forEach(p -> ports.add(p.split(":")[0])));
        return ports;
    }

    @Test
    void notificationsSendMailToTheSmtpCatcher() {
        var env = environment(COMPOSE.services().get(appServices().get("notifications-service")));
        var mailpit = COMPOSE.services().get(env.get("SMTP_HOST"));
        assertThat(mailpit).as("SMTP_HOST is a compose service").isNotNull();
        assertThat(mailpit.image()).startsWith("axllent/mailpit:");
        assertThat(env).containsEntry("SMTP_PORT", "1025");
    }

    @Test
    void theGatewayRoutesToTheComposeServices() {
        var env = environment(COMPOSE.services().get(appServices().get("gateway")));
        List<String> routes = new ArrayList<>();
        for (String module : Apps.MODULES) {
            if (module.equals("gateway")) {
                continue;
            }
            String variable = "CRM_" + module.replace("-service", "").toUpperCase() + "_URI";
            assertThat(Apps.variables("gateway"))
                    .as("the gateway reads %s", variable)
                    .containsKey(variable);
            routes.add(env.get(variable));
            assertThat(env).containsEntry(variable, "http://" + appServices().get(module) + ":8080");
        }
        assertThat(routes).doesNotContainNull();
        assertThat(Files.exists(Repo.path(DOCKERFILE))).isTrue();
    }
}
