package org.opencrm.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class PlatformDefaultsEnvironmentPostProcessorTest {

    private final PlatformDefaultsEnvironmentPostProcessor processor = new PlatformDefaultsEnvironmentPostProcessor();

    // Without the real system environment, so a CRM_LOG_FORMAT set on the build machine cannot interfere.
    private static StandardEnvironment isolated() {
        var environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        return environment;
    }

    private StandardEnvironment environment(Map<String, Object> serviceProperties) {
        var environment = isolated();
        environment.getPropertySources().addLast(new MapPropertySource("application.yml", serviceProperties));
        processor.postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    @Test
    void platformDefaultsApplyWhereTheServiceIsSilent() {
        var environment = environment(Map.of());

        assertThat(environment.getProperty("management.endpoints.web.exposure.include"))
                .isEqualTo("health,info,prometheus");
        assertThat(environment.getProperty("management.endpoint.health.group.readiness.include"))
                .isEqualTo("readinessState,mongo,kafka");
        assertThat(environment.getProperty("management.tracing.sampling.probability"))
                .isEqualTo("0.1");
        assertThat(environment.getProperty("spring.kafka.template.observation-enabled"))
                .isEqualTo("true");
        assertThat(environment.getProperty("spring.kafka.listener.observation-enabled"))
                .isEqualTo("true");
    }

    @Test
    void theServiceOverridesAnyDefault() {
        var environment = environment(Map.of(
                "management.endpoints.web.exposure.include", "health",
                "management.tracing.sampling.probability", "0.1",
                "logging.structured.format.console", "logstash"));

        assertThat(environment.getProperty("management.endpoints.web.exposure.include"))
                .isEqualTo("health");
        assertThat(environment.getProperty("management.tracing.sampling.probability"))
                .isEqualTo("0.1");
        assertThat(environment.getProperty("logging.structured.format.console")).isEqualTo("logstash");
    }

    @Test
    void consoleLogsAreEcsJsonByDefault() {
        assertThat(environment(Map.of()).getProperty("logging.structured.format.console"))
                .isEqualTo("ecs");
    }

    @Test
    void plainLogFormatTurnsStructuredLoggingOff() {
        var environment = environment(Map.of("crm.log.format", "PLAIN"));

        assertThat(environment.getProperty("logging.structured.format.console")).isNull();
    }

    @Test
    void anotherLogFormatNameIsHandedToBoot() {
        var environment = environment(Map.of("crm.log.format", "gelf"));

        assertThat(environment.getProperty("logging.structured.format.console")).isEqualTo("gelf");
    }

    @Test
    void theEnvironmentVariableSpellingSelectsTheFormat() {
        var environment = isolated();
        environment
                .getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("CRM_LOG_FORMAT", "plain")));
        processor.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("logging.structured.format.console")).isNull();
    }
}
