package org.opencrm.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The part of the Compose specification deploy/compose uses. Read strictly: a key that is not here (a typo, or
 * a feature the tests do not check yet) fails the test, so every key the file uses is one the tests know. Named
 * volumes are declared without options (the local driver).
 */
record Compose(String name, Map<String, Service> services, Map<String, String> volumes) {

    record Service(
            String image,
            Build build,
            String hostname,
            List<String> entrypoint,
            List<String> command,
            Map<String, String> environment,
            @JsonProperty("env_file") List<String> envFile,
            List<String> ports,
            List<String> volumes,
            @JsonProperty("depends_on") Map<String, Dependency> dependsOn,
            Healthcheck healthcheck,
            String restart) {}

    record Build(String context, String dockerfile, Map<String, String> args) {}

    record Dependency(String condition) {}

    record Healthcheck(
            List<String> test,
            String interval,
            String timeout,
            Integer retries,
            @JsonProperty("start_period") String startPeriod) {}
}
