package org.opencrm.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The deployable apps (the gateway and every {@code *-service} module of the root pom) and the environment
 * variables each one reads: the {@code ${VAR:default}} placeholders of its application.yml, plus the few the
 * platform reads for every service.
 */
final class Apps {

    /** What compose and Kubernetes deploy. identity is the local run's IdP only: Keycloak replaces it. */
    static final List<String> MODULES = modules();

    /**
     * Variables the platform (not the service's application.yml) reads, with a file and a text in it that prove
     * it (checked by ComposeFileTest), so a rename in the platform does not leave a dead setting behind.
     */
    static final Map<String, String[]> PLATFORM_VARIABLES = Map.of(
            "CRM_LOG_FORMAT",
            new String[] {
                "platform/src/main/java/org/opencrm/platform/observability/PlatformDefaultsEnvironmentPostProcessor.java",
                "\"crm.log.format\""
            },
            "CRM_CONSUMER_PARTITIONS",
            new String[] {
                "platform/src/main/java/org/opencrm/platform/consumer/ConsumerProperties.java",
                "@ConfigurationProperties(\"crm.consumer\")"
            },
            "SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE",
            new String[] {"pom.xml", "<artifactId>spring-boot-dependencies</artifactId>"});

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::([^}]*))?}");

    private Apps() {}

    /** Variable name -> its default in the module's application.yml (null: none). */
    static Map<String, String> variables(String module) {
        String yml = Repo.read(module + "/src/main/resources/application.yml");
        Map<String, String> variables = new LinkedHashMap<>();
        var matcher = PLACEHOLDER.matcher(yml);
        while (matcher.find()) {
            variables.putIfAbsent(matcher.group(1), matcher.group(2));
        }
        return variables;
    }

    /** Whether the module (or the platform under it) reads the variable. */
    static boolean reads(String module, String variable) {
        return variables(module).containsKey(variable)
                || variable.equals("SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE")
                || (!module.equals("gateway") && PLATFORM_VARIABLES.containsKey(variable));
    }

    /**
     * Variables that must be set wherever the module runs in containers: those without a default, and those
     * whose default points at the local run's loopback addresses (useless in a container).
     */
    static Set<String> mustBeSet(String module) {
        return variables(module).entrySet().stream()
                .filter(e -> e.getValue() == null
                        || e.getValue().contains("127.0.0.1")
                        || e.getValue().contains("localhost"))
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    private static List<String> modules() {
        String pom = Repo.read("pom.xml");
        var matcher = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
        var result = new java.util.ArrayList<String>();
        while (matcher.find()) {
            String module = matcher.group(1);
            if (module.equals("gateway") || module.endsWith("-service")) {
                result.add(module);
            }
        }
        return List.copyOf(result);
    }
}
