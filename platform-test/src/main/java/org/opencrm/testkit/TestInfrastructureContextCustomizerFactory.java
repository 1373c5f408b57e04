package org.opencrm.testkit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.opencrm.testkit.jwt.TestJwts;
import org.opencrm.testkit.security.MongoCommandRecorder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.util.ClassUtils;

/** Registered in META-INF/spring.factories: wires {@link UseTestInfrastructure} test classes. */
class TestInfrastructureContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(
            Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
        var annotation = MergedAnnotations.from(testClass, MergedAnnotations.SearchStrategy.TYPE_HIERARCHY)
                .get(UseTestInfrastructure.class);
        if (!annotation.isPresent()) {
            return null;
        }
        return new Customizer(annotation.getBoolean("kafka"), annotation.getBoolean("mongodb"));
    }

    /** Equal customizers let Spring reuse a cached context; each new context gets a fresh database. */
    private record Customizer(boolean kafka, boolean mongodb) implements ContextCustomizer {

        private static final AtomicInteger DATABASES = new AtomicInteger();
        private static final String MONGO_CUSTOMIZER =
                "org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer";

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
            Map<String, Object> properties = new LinkedHashMap<>(TestJwts.springProperties());
            // At JVM exit the embedded broker's own shutdown hook deletes its log directory while the cached
            // contexts close; a listener committing offsets to it then blocks until Spring's 30 s phase
            // timeout and surefire kills the fork. Nothing is verified after the last test, so wait less.
            properties.put("spring.lifecycle.timeout-per-shutdown-phase", "3s");
            if (kafka) {
                properties.put("spring.kafka.bootstrap-servers", TestInfrastructure.kafkaBootstrapServers());
            }
            if (mongodb) {
                properties.put(
                        "spring.mongodb.uri",
                        TestInfrastructure.mongoUri(
                                "crm-test-" + ProcessHandle.current().pid() + "-" + DATABASES.incrementAndGet()));
            }
            context.getEnvironment()
                    .getPropertySources()
                    .addFirst(new MapPropertySource("crmTestInfrastructure", properties));
            if (mongodb && ClassUtils.isPresent(MONGO_CUSTOMIZER, context.getClassLoader())) {
                // Hostile-input tests ask it whether a planted operator reached the database; registering it
                // here, for every context, keeps those tests from needing a context of their own.
                context.getBeanFactory().registerSingleton("crmMongoCommandRecorder", new MongoCommandRecorder());
            }
        }
    }
}
