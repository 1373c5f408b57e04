package org.opencrm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** deploy/docker/Dockerfile: the one image recipe of every app. */
class DockerfileTest {

    static final List<String> INSTRUCTIONS = instructions(Repo.read("deploy/docker/Dockerfile"));

    /** The instructions, continuation lines joined, comments dropped. */
    static List<String> instructions(String dockerfile) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : dockerfile.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
            } else {
                current.append(trimmed);
                if (!current.toString().isBlank()) {
                    result.add(current.toString().strip());
                }
                current.setLength(0);
            }
        }
        return result;
    }

    static List<String> withKeyword(String keyword) {
        return INSTRUCTIONS.stream().filter(i -> i.startsWith(keyword + " ")).toList();
    }

    @Test
    void buildsAnyModuleNamedByTheModuleArgument() {
        assertThat(withKeyword("FROM")).hasSize(2);
        // ARG after each FROM: a build argument is scoped to its stage
        assertThat(withKeyword("ARG")).filteredOn(a -> a.equals("ARG MODULE")).hasSize(2);
        assertThat(withKeyword("COPY").getFirst()).isEqualTo("COPY ${MODULE}/target/${MODULE}-*.jar app.jar");
    }

    @Test
    void extractsSpringBootLayersAndCopiesThemLeastChangingFirst() {
        assertThat(withKeyword("RUN"))
                .anyMatch(run -> run.contains("-Djarmode=tools") && run.contains("extract --layers"));
        List<String> layerCopies = withKeyword("COPY").stream()
                .filter(c -> c.startsWith("COPY --from=layers"))
                .map(c -> c.split("\\s+")[2])
                .toList();
        assertThat(layerCopies)
                .containsExactly(
                        "/build/extracted/dependencies/",
                        "/build/extracted/spring-boot-loader/",
                        "/build/extracted/snapshot-dependencies/",
                        "/build/extracted/application/");
        assertThat(withKeyword("ENTRYPOINT")).containsExactly("ENTRYPOINT [\"java\", \"-jar\", \"app.jar\"]");
    }

    @Test
    void runsAsANumericNonRootUser() {
        List<String> users = withKeyword("USER");
        assertThat(users).hasSize(1);
        String user = users.getFirst().substring("USER ".length()).split(":")[0];
        assertThat(user).as("numeric, so runAsNonRoot can check it").matches("\\d+");
        assertThat(Integer.parseInt(user)).isNotZero();
        assertThat(INSTRUCTIONS.indexOf(users.getFirst()))
                .as("USER comes after every RUN of the runtime stage")
                .isGreaterThan(INSTRUCTIONS.lastIndexOf(withKeyword("RUN").getLast()));
    }

    @Test
    void healthCheckAsksTheReadinessGroupOnThePort() throws Exception {
        assertThat(withKeyword("HEALTHCHECK")).singleElement().asString().endsWith("[\"/usr/local/bin/healthcheck\"]");
        assertThat(withKeyword("COPY"))
                .contains("COPY --chmod=0755 deploy/docker/healthcheck /usr/local/bin/healthcheck");
        var script = Repo.path("deploy/docker/healthcheck");
        assertThat(Files.isExecutable(script)).isTrue();
        assertThat(Repo.read(script))
                .startsWith("#!/bin/bash")
                .contains("/dev/tcp/127.0.0.1/${PORT:-8080}")
                .contains("GET /actuator/health/readiness ");
        assertThat(withKeyword("ENV")).anyMatch(env -> env.contains("PORT=8080"));
        assertThat(withKeyword("EXPOSE")).containsExactly("EXPOSE 8080");
    }

    @Test
    void everyAppModuleBuildsTheExecutableJarTheDockerfileCopies() {
        var artifactId = java.util.regex.Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>");
        for (String module : Apps.MODULES) {
            String pom = Repo.read(module + "/pom.xml");
            var matcher = artifactId.matcher(pom);
            assertThat(matcher.find())
                    .as("%s/pom.xml names its artifactId", module)
                    .isTrue();
            assertThat(matcher.group(1))
                    .as("%s: the jar is target/<module>-<version>.jar", module)
                    .isEqualTo(module);
            assertThat(pom)
                    .as("%s: a Spring Boot executable jar with its layers index", module)
                    .contains("<artifactId>spring-boot-maven-plugin</artifactId>")
                    .doesNotContain("<finalName>")
                    .doesNotContain("<classifier>");
        }
    }

    @Test
    void theBuildContextLetsThroughExactlyWhatTheDockerfileCopies() {
        List<String> rules = Repo.read("deploy/docker/Dockerfile.dockerignore")
                .lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .toList();
        assertThat(rules).containsExactly("**", "!*/target/*.jar", "!deploy/docker/healthcheck");
    }
}
