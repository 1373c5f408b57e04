package org.opencrm.platform.observability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;

/**
 * Adds the platform's defaults ({@code platform-defaults.properties}) as the environment's last property
 * source: anything a service sets, in {@code application.yml}, an environment variable or a test, wins.
 *
 * <p>Also picks the console log format from {@code crm.log.format} (environment variable
 * {@code CRM_LOG_FORMAT}): {@code json} (default) writes one ECS JSON object per line, carrying
 * {@code traceId} and {@code spanId}; {@code plain} leaves Boot's human-readable pattern; any other value is
 * handed to Boot as a structured format name ({@code logstash}, {@code gelf}). Registered in
 * {@code META-INF/spring.factories}; it runs after config data is loaded so the choice can come from any
 * property source, and before the logging system starts.
 */
public final class PlatformDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String PROPERTY_SOURCE_NAME = "crmPlatformDefaults";
    static final String LOG_FORMAT_PROPERTY_SOURCE_NAME = "crmPlatformLogFormat";
    static final String DEFAULTS_RESOURCE = "platform-defaults.properties";
    static final String LOG_FORMAT = "crm.log.format";
    static final String STRUCTURED_CONSOLE_FORMAT = "logging.structured.format.console";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        var sources = environment.getPropertySources();
        if (sources.contains(PROPERTY_SOURCE_NAME)) {
            return;
        }
        try {
            sources.addLast(new ResourcePropertySource(PROPERTY_SOURCE_NAME, new ClassPathResource(DEFAULTS_RESOURCE)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + DEFAULTS_RESOURCE + " from the platform jar", e);
        }
        String format = environment.getProperty(LOG_FORMAT, "json").trim().toLowerCase(Locale.ROOT);
        if (!format.equals("plain")) {
            String structured = format.equals("json") ? "ecs" : format;
            sources.addLast(new MapPropertySource(
                    LOG_FORMAT_PROPERTY_SOURCE_NAME, Map.of(STRUCTURED_CONSOLE_FORMAT, structured)));
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
