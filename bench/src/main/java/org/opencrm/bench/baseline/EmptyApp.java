package org.opencrm.bench.baseline;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * B6's baseline: a Spring Boot application with no code of its own on the starters every service uses, started
 * by the harness as a child JVM with the services' JVM options. What a service costs beyond this is its own.
 * The one bean opens the health probes, which the harness waits on, as the platform does for the services.
 */
@SpringBootApplication
public class EmptyApp {

    public static void main(String[] args) {
        SpringApplication.run(EmptyApp.class, args);
    }

    @Bean
    SecurityFilterChain probesOpen(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(a -> a.requestMatchers("/actuator/health/**")
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                .build();
    }
}
