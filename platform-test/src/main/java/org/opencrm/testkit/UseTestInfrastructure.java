package org.opencrm.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Points a Spring test context at the shared test infrastructure: {@code spring.kafka.bootstrap-servers},
 * {@code spring.mongodb.uri} (a database of its own per test context, so classes do not see each
 * other's documents) and the {@code crm.security.jwt.*} properties matching {@code TestJwts}.
 *
 * <p>Works on any Spring test ({@code @SpringBootTest}, {@code @WebMvcTest}, {@code @DataMongoTest}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface UseTestInfrastructure {

    /** Start and wire the Kafka broker. Slices that never touch Kafka can say false. */
    boolean kafka() default true;

    /** Start and wire the MongoDB-protocol server. */
    boolean mongodb() default true;
}
