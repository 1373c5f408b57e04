package org.opencrm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.opencrm.deploy.NetworkPolicies.Endpoint;

/**
 * deploy/k8s: the base and every overlay rendered (like {@code kubectl kustomize}), every object read into the
 * Kubernetes model with no field the model does not know, and the rules an operator relies on.
 */
class KubernetesManifestsTest {

    static final Path K8S = Repo.path("deploy/k8s");
    static final List<String> VARIANTS = List.of("base", "overlays/dev", "overlays/production");
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    static final Map<String, List<HasMetadata>> RENDERED = render();

    static Map<String, List<HasMetadata>> render() {
        Map<String, List<HasMetadata>> rendered = new LinkedHashMap<>();
        for (String variant : VARIANTS) {
            rendered.put(
                    variant,
                    Kustomize.build(K8S.resolve(variant)).stream()
                            .map(node -> read(variant, node))
                            .toList());
        }
        return rendered;
    }

    /** One object in the model class its apiVersion and kind name: unknown kinds fail here. */
    static HasMetadata read(String variant, ObjectNode node) {
        String apiVersion = node.path("apiVersion").asText();
        String kind = node.path("kind").asText();
        var type = SERIALIZATION.getRegisteredKubernetesResource(apiVersion, kind);
        if (type == null || !HasMetadata.class.isAssignableFrom(type)) {
            fail("%s: %s %s is not a Kubernetes object kind", variant, apiVersion, kind);
        }
        return (HasMetadata) SERIALIZATION.convertValue(node, type);
    }

    static <T extends HasMetadata> List<T> all(String variant, Class<T> type) {
        return RENDERED.get(variant).stream()
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    static <T extends HasMetadata> T named(String variant, Class<T> type, String name) {
        return all(variant, type).stream()
                .filter(o -> o.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(variant + ": no " + type.getSimpleName() + " " + name));
    }

    static String namespace(String variant) {
        String ns = RENDERED.get(variant).getFirst().getMetadata().getNamespace();
        return ns == null ? "default" : ns;
    }

    static Container app(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    /** Every variable a container sees: envFrom ConfigMaps and Secrets, then env. */
    static Map<String, String> environment(String variant, Container container) {
        Map<String, String> env = new TreeMap<>();
        if (!isEmpty(container.getEnvFrom())) {
            container.getEnvFrom().forEach(from -> {
                if (from.getConfigMapRef() != null) {
                    env.putAll(named(
                                    variant,
                                    ConfigMap.class,
                                    from.getConfigMapRef().getName())
                            .getData());
                }
                if (from.getSecretRef() != null) {
                    named(variant, Secret.class, from.getSecretRef().getName())
                            .getStringData()
                            .keySet()
                            .forEach(k -> env.put(k, "(secret)"));
                }
            });
        }
        if (!isEmpty(container.getEnv())) {
            container.getEnv().forEach(e -> env.put(e.getName(), e.getValue() == null ? "(reference)" : e.getValue()));
        }
        return env;
    }

    @Test
    void everyObjectIsAKnownKindWithNoFieldTheModelDoesNotKnow() {
        RENDERED.forEach((variant, objects) -> {
            assertThat(objects).as(variant).isNotEmpty();
            for (HasMetadata object : objects) {
                String where = variant + " " + object.getKind() + " "
                        + object.getMetadata().getName();
                assertKnownFieldsOnly(object, where);
                assertThat(object.getMetadata().getLabels())
                        .as(where)
                        .containsEntry("app.kubernetes.io/part-of", "opencrm");
            }
            Set<String> ids = new TreeSet<>();
            objects.forEach(o -> assertThat(
                            ids.add(o.getKind() + "/" + o.getMetadata().getName()))
                    .as("%s: %s %s twice", variant, o.getKind(), o.getMetadata().getName())
                    .isTrue());
        });
    }

    /** Fabric8 keeps fields it does not know in additionalProperties: anywhere in the tree, that is a typo. */
    static void assertKnownFieldsOnly(Object value, String path) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                assertKnownFieldsOnly(item, path + "[" + i++ + "]");
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> assertKnownFieldsOnly(v, path + "." + k));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get")
                    || getter.getName().equals("getClass")) {
                continue;
            }
            Object result;
            try {
                result = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new AssertionError(path + "." + getter.getName() + "() failed: " + e.getCause(), e);
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                assertThat((Map<?, ?>) result)
                        .as("%s: fields unknown to Kubernetes", path)
                        .isNullOrEmpty();
            } else {
                assertKnownFieldsOnly(result, path + "." + getter.getName().substring(3));
            }
        }
    }

    @Test
    void everyAppHasADeploymentServiceAutoscalerAndDisruptionBudgetSelectingItsPods() {
        for (String variant : VARIANTS) {
            for (String module : Apps.MODULES) {
                Deployment deployment = named(variant, Deployment.class, module);
                Map<String, String> podLabels =
                        deployment.getSpec().getTemplate().getMetadata().getLabels();
                assertThat(podLabels)
                        .as("%s %s: pod labels carry the selector", variant, module)
                        .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
                assertThat(deployment.getSpec().getReplicas())
                        .as("%s %s: the autoscaler owns the replica count", variant, module)
                        .isNull();

                Service service = named(variant, Service.class, module);
                assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
                assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
                    assertThat(port.getPort()).isEqualTo(8080);
                    assertThat(port.getTargetPort().getStrVal()).isEqualTo("http");
                });
                assertThat(app(deployment).getPorts())
                        .singleElement()
                        .satisfies(p -> assertThat(p.getName() + ":" + p.getContainerPort())
                                .isEqualTo("http:8080"));

                HorizontalPodAutoscaler hpa = named(variant, HorizontalPodAutoscaler.class, module);
                assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
                assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(module);
                assertThat(hpa.getSpec().getMinReplicas()).isPositive();
                assertThat(hpa.getSpec().getMaxReplicas())
                        .isGreaterThanOrEqualTo(hpa.getSpec().getMinReplicas());
                assertThat(hpa.getSpec().getMetrics())
                        .as("%s %s: scales on CPU, which needs CPU requests", variant, module)
                        .anyMatch(m -> m.getResource() != null
                                && m.getResource().getName().equals("cpu"));

                PodDisruptionBudget pdb = named(variant, PodDisruptionBudget.class, module);
                assertThat(NetworkPolicies.matches(pdb.getSpec().getSelector(), podLabels))
                        .as("%s %s: the PDB selects the pods", variant, module)
                        .isTrue();
                assertThat(pdb.getSpec().getMaxUnavailable())
                        .as("%s %s: maxUnavailable lets a one-replica setup drain a node", variant, module)
                        .isNotNull();
            }
            assertThat(all(variant, Deployment.class)).hasSize(Apps.MODULES.size());
        }
    }

    @Test
    void podsRunAsNonRootOnAReadOnlyRootFilesystemWithoutPrivileges() {
        for (String variant : VARIANTS) {
            Map<String, PodTemplateSpec> templates = new TreeMap<>();
            all(variant, Deployment.class)
                    .forEach(d ->
                            templates.put(d.getMetadata().getName(), d.getSpec().getTemplate()));
            all(variant, Job.class)
                    .forEach(j ->
                            templates.put(j.getMetadata().getName(), j.getSpec().getTemplate()));
            templates.forEach((name, template) -> {
                PodSpec pod = template.getSpec();
                String where = variant + " " + name;
                assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(where).isTrue();
                assertThat(pod.getSecurityContext().getRunAsUser()).as(where).isPositive();
                assertThat(pod.getSecurityContext().getSeccompProfile().getType())
                        .as(where)
                        .isEqualTo("RuntimeDefault");
                assertThat(pod.getAutomountServiceAccountToken()).as(where).isFalse();
                for (Container container : pod.getContainers()) {
                    var security = container.getSecurityContext();
                    assertThat(security.getReadOnlyRootFilesystem()).as(where).isTrue();
                    assertThat(security.getAllowPrivilegeEscalation()).as(where).isFalse();
                    assertThat(security.getCapabilities().getDrop()).as(where).containsExactly("ALL");
                    assertThat(container.getVolumeMounts())
                            .as("%s: a writable /tmp on a read-only root", where)
                            .anyMatch(m -> m.getMountPath().equals("/tmp"));
                    container
                            .getVolumeMounts()
                            .forEach(mount -> assertThat(pod.getVolumes())
                                    .as("%s mounts volume %s", where, mount.getName())
                                    .anyMatch(v -> v.getName().equals(mount.getName()) && v.getEmptyDir() != null));
                    var resources = container.getResources();
                    assertThat(resources.getRequests()).as(where).containsKeys("cpu", "memory");
                    assertThat(resources.getLimits()).as(where).containsKeys("cpu", "memory");
                    assertThat(Quantity.getAmountInBytes(resources.getLimits().get("memory")))
                            .as("%s: limit >= request", where)
                            .isGreaterThanOrEqualTo(Quantity.getAmountInBytes(
                                    resources.getRequests().get("memory")));
                    assertThat(container.getImage())
                            .as(where)
                            .doesNotEndWith(":latest")
                            .contains(":");
                }
            });
        }
    }

    @Test
    void appsHaveStartupLivenessAndReadinessProbesOnTheirHealthGroups() {
        for (String variant : VARIANTS) {
            for (Deployment deployment : all(variant, Deployment.class)) {
                Container container = app(deployment);
                String where = variant + " " + deployment.getMetadata().getName();
                assertProbe(container.getStartupProbe(), "/actuator/health/liveness", where + " startup");
                assertProbe(container.getLivenessProbe(), "/actuator/health/liveness", where + " liveness");
                assertProbe(container.getReadinessProbe(), "/actuator/health/readiness", where + " readiness");
                int startupBudget = container.getStartupProbe().getPeriodSeconds()
                        * container.getStartupProbe().getFailureThreshold();
                assertThat(startupBudget)
                        .as("%s: seconds a start may take", where)
                        .isGreaterThanOrEqualTo(120);
                assertThat(deployment
                                .getSpec()
                                .getStrategy()
                                .getRollingUpdate()
                                .getMaxUnavailable()
                                .getIntVal())
                        .as("%s: upgrades never drop capacity", where)
                        .isZero();
                assertThat(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                        .as("%s: grace covers preStop (10 s) and the shutdown phase (30 s)", where)
                        .isGreaterThan(40);
            }
        }
    }

    static boolean isEmpty(Object value) {
        return value == null
                || (value instanceof Collection<?> c && c.isEmpty())
                || (value instanceof Map<?, ?> m && m.isEmpty());
    }

    static void assertProbe(Probe probe, String path, String where) {
        assertThat(probe).as(where).isNotNull();
        assertThat(probe.getHttpGet().getPath()).as(where).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).as(where).isEqualTo("http");
    }

    @Test
    void everyReferencedConfigMapAndSecretKeyExists() {
        for (String variant : VARIANTS) {
            Map<String, Container> containers = new TreeMap<>();
            all(variant, Deployment.class)
                    .forEach(d -> containers.put(d.getMetadata().getName(), app(d)));
            all(variant, Job.class)
                    .forEach(j -> containers.put(
                            j.getMetadata().getName(),
                            j.getSpec().getTemplate().getSpec().getContainers().getFirst()));
            containers.forEach((name, container) -> {
                container.getEnvFrom().forEach(from -> {
                    if (from.getConfigMapRef() != null) {
                        named(variant, ConfigMap.class, from.getConfigMapRef().getName());
                    }
                });
                for (EnvVar env : container.getEnv()) {
                    var source = env.getValueFrom();
                    if (source == null) {
                        continue;
                    }
                    if (source.getSecretKeyRef() != null) {
                        assertThat(named(
                                                variant,
                                                Secret.class,
                                                source.getSecretKeyRef().getName())
                                        .getStringData())
                                .as("%s %s: %s", variant, name, env.getName())
                                .containsKey(source.getSecretKeyRef().getKey());
                    } else {
                        assertThat(source.getConfigMapKeyRef())
                                .as(env.getName())
                                .isNotNull();
                        assertThat(named(
                                                variant,
                                                ConfigMap.class,
                                                source.getConfigMapKeyRef().getName())
                                        .getData())
                                .containsKey(source.getConfigMapKeyRef().getKey());
                    }
                }
            });
        }
    }

    @Test
    void everyAppGetsTheVariablesItNeedsAndEverySettingIsReadBySomeone() {
        for (String variant : VARIANTS) {
            Set<String> readBySomeone = new TreeSet<>();
            for (String module : Apps.MODULES) {
                Container container = app(named(variant, Deployment.class, module));
                Map<String, String> env = environment(variant, container);
                assertThat(env.keySet()).as("%s %s must set", variant, module).containsAll(Apps.mustBeSet(module));
                assertThat(env).as("%s %s: token keys", variant, module).containsKey("CRM_JWT_JWK_SET_URI");
                for (EnvVar own : container.getEnv()) {
                    assertThat(Apps.reads(module, own.getName()))
                            .as("%s %s sets %s, which it does not read (a typo?)", variant, module, own.getName())
                            .isTrue();
                }
                env.keySet().stream().filter(v -> Apps.reads(module, v)).forEach(readBySomeone::add);
            }
            String topicsJob = String.join(
                    "\n",
                    named(variant, Job.class, "crm-kafka-topics")
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .getFirst()
                            .getArgs());
            for (String key :
                    named(variant, ConfigMap.class, "crm-config").getData().keySet()) {
                assertThat(readBySomeone.contains(key) || topicsJob.contains("$" + key))
                        .as("%s: crm-config %s is read by an app or the topics job", variant, key)
                        .isTrue();
            }
        }
    }

    @Test
    void addressesOfOtherAppsNameServicesOnTheirPort() {
        var address = Pattern.compile("^https?://([a-z0-9-]+):(\\d+)");
        for (String variant : VARIANTS) {
            for (Deployment deployment : all(variant, Deployment.class)) {
                environment(variant, app(deployment)).forEach((variable, value) -> {
                    var matcher = address.matcher(value);
                    if (matcher.find()) {
                        Service service = named(variant, Service.class, matcher.group(1));
                        assertThat(service.getSpec().getPorts())
                                .as(
                                        "%s %s %s",
                                        variant, deployment.getMetadata().getName(), variable)
                                .anyMatch(p -> p.getPort() == Integer.parseInt(matcher.group(2)));
                    }
                });
            }
        }
    }

    @Test
    void noServiceScalesBeyondThePartitionsOfTheTopicsItConsumes() {
        for (String variant : VARIANTS) {
            int partitions = Integer.parseInt(
                    named(variant, ConfigMap.class, "crm-config").getData().get("CRM_CONSUMER_PARTITIONS"));
            for (String module : Apps.MODULES) {
                if (module.equals("gateway")) {
                    continue; // consumes no topic
                }
                assertThat(named(variant, HorizontalPodAutoscaler.class, module)
                                .getSpec()
                                .getMaxReplicas())
                        .as("%s %s: instances beyond %d partitions would sit idle", variant, module, partitions)
                        .isLessThanOrEqualTo(partitions);
            }
        }
    }

    @Test
    void theTopicsJobCreatesEveryCatalogueTopicAndItsDeadLetterTopic() {
        for (String variant : VARIANTS) {
            Container container = named(variant, Job.class, "crm-kafka-topics")
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .getFirst();
            String topics = container.getEnv().stream()
                    .filter(e -> e.getName().equals("TOPICS"))
                    .findFirst()
                    .orElseThrow()
                    .getValue();
            assertThat(List.of(topics.trim().split("\\s+")))
                    .containsExactlyInAnyOrderElementsOf(ComposeFileTest.catalogueTopics());
            assertThat(String.join("\n", container.getArgs()))
                    .contains("for topic in $TOPICS")
                    .contains("--partitions \"$CRM_CONSUMER_PARTITIONS\"")
                    .contains("--replication-factor \"$KAFKA_REPLICATION_FACTOR\"")
                    .contains("--config min.insync.replicas=2")
                    .contains("--if-not-exists");
        }
        assertThat(named("overlays/production", ConfigMap.class, "crm-config").getData())
                .containsEntry("KAFKA_REPLICATION_FACTOR", "3");
    }

    @Test
    void networkPoliciesDenyByDefaultAndAllowExactlyTheCallsTheConfigurationMakes() {
        for (String variant : VARIANTS) {
            String ns = namespace(variant);
            var policies = new NetworkPolicies(ns, all(variant, NetworkPolicy.class));
            assertThat(all(variant, NetworkPolicy.class))
                    .as("%s: a default deny of both directions", variant)
                    .anyMatch(p -> isEmpty(p.getSpec().getPodSelector().getMatchLabels())
                            && p.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
                            && isEmpty(p.getSpec().getIngress())
                            && isEmpty(p.getSpec().getEgress()));
            Map<String, Endpoint> pods = new TreeMap<>();
            all(variant, Deployment.class)
                    .forEach(d -> pods.put(
                            d.getMetadata().getName(),
                            new Endpoint(
                                    ns, d.getSpec().getTemplate().getMetadata().getLabels())));
            Endpoint topicsJob = new Endpoint(
                    ns,
                    named(variant, Job.class, "crm-kafka-topics")
                            .getSpec()
                            .getTemplate()
                            .getMetadata()
                            .getLabels());
            Endpoint outside = Endpoint.outside();
            Endpoint stranger = new Endpoint("other", Map.of());
            Endpoint prometheus = new Endpoint("monitoring", Map.of("app.kubernetes.io/name", "prometheus"));
            Endpoint monitoringNeighbour = new Endpoint("monitoring", Map.of("app.kubernetes.io/name", "grafana"));

            assertThat(policies.allows(outside, pods.get("gateway"), 8080))
                    .as("clients reach the gateway")
                    .isTrue();
            pods.forEach((name, pod) -> {
                String where = variant + " " + name;
                assertThat(policies.allows(prometheus, pod, 8080))
                        .as("%s: Prometheus scrapes", where)
                        .isTrue();
                assertThat(policies.allows(pod, outside, 53, "UDP"))
                        .as("%s: DNS", where)
                        .isTrue();
                assertThat(policies.allows(pod, outside, 9092))
                        .as("%s: Kafka", where)
                        .isTrue();
                assertThat(policies.allows(pod, outside, 443))
                        .as("%s: the issuer's keys", where)
                        .isTrue();
                if (!name.equals("gateway")) {
                    assertThat(policies.allows(monitoringNeighbour, pod, 8080))
                            .as(where)
                            .isFalse();
                    assertThat(policies.allows(stranger, pod, 8080))
                            .as("%s: closed to others", where)
                            .isFalse();
                    assertThat(policies.allows(outside, pod, 8080))
                            .as("%s: closed to outside", where)
                            .isFalse();
                    assertThat(policies.allows(pod, outside, 27017))
                            .as("%s: MongoDB", where)
                            .isTrue();
                }
            });
            assertThat(policies.allows(topicsJob, outside, 9092))
                    .as("the topics job reaches Kafka")
                    .isTrue();
            assertThat(policies.allows(pods.get("gateway"), outside, 6379))
                    .as("gateway -> Redis")
                    .isTrue();
            assertThat(policies.allows(pods.get("notifications-service"), outside, 587))
                    .as("SMTP")
                    .isTrue();

            // every call an app is configured to make (an http://<service>:<port> variable) gets through ...
            Set<String> calls = new TreeSet<>();
            var address = Pattern.compile("^http://([a-z0-9-]+):(\\d+)");
            for (Deployment deployment : all(variant, Deployment.class)) {
                String from = deployment.getMetadata().getName();
                environment(variant, app(deployment)).values().forEach(value -> {
                    var matcher = address.matcher(value);
                    if (matcher.find() && pods.containsKey(matcher.group(1))) {
                        calls.add(from + "->" + matcher.group(1));
                        assertThat(policies.allows(
                                        pods.get(from), pods.get(matcher.group(1)), Integer.parseInt(matcher.group(2))))
                                .as("%s: %s calls %s", variant, from, value)
                                .isTrue();
                    }
                });
            }
            assertThat(calls).contains("gateway->contacts-service", "tasks-service->deals-service");
            // ... and no other call between apps
            pods.forEach((from, source) -> pods.forEach((to, target) -> {
                if (!from.equals(to) && !calls.contains(from + "->" + to)) {
                    assertThat(policies.allows(source, target, 8080))
                            .as("%s: %s must not reach %s", variant, from, to)
                            .isFalse();
                }
            }));
        }
    }

    @Test
    void podsAreAnnotatedForPrometheusOnTheirMetricsPath() {
        for (String variant : VARIANTS) {
            for (Deployment deployment : all(variant, Deployment.class)) {
                assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                        .as("%s %s", variant, deployment.getMetadata().getName())
                        .containsEntry("prometheus.io/scrape", "true")
                        .containsEntry("prometheus.io/path", "/actuator/prometheus")
                        .containsEntry("prometheus.io/port", "8080");
            }
        }
    }

    @Test
    void overlaysPutEverythingInTheirNamespaceAndProductionPullsReleasedImages() {
        assertThat(RENDERED.get("overlays/dev"))
                .allMatch(o -> "crm-dev".equals(o.getMetadata().getNamespace()));
        assertThat(RENDERED.get("overlays/production"))
                .allMatch(o -> "crm".equals(o.getMetadata().getNamespace()));
        for (Deployment deployment : all("overlays/production", Deployment.class)) {
            assertThat(app(deployment).getImage())
                    .isEqualTo("registry.example.com/opencrm/"
                            + deployment.getMetadata().getName() + ":0.1.0");
        }
        assertThat(named("overlays/production", HorizontalPodAutoscaler.class, "gateway")
                        .getSpec()
                        .getMinReplicas())
                .isGreaterThanOrEqualTo(3);
    }
}
