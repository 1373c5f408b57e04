package org.opencrm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Redis unreachable: the documented choice is to fail open. Requests pass without quota headers, promptly,
 * and each is counted in crm.gateway.ratelimit.unavailable so an alert can fire.
 */
class RateLimitWithoutRedisTest extends GatewayTestSupport {

    @DynamicPropertySource
    static void redisDown(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", TestRedis::unreachableUrl);
    }

    @Autowired
    MeterRegistry meters;

    @Test
    void requestsPassUnlimitedAndAreCountedWhileRedisIsDown() {
        String token = manager("no-redis", "t-no-redis");
        double before = unavailable();

        for (int i = 0; i < 5; i++) { // more than the tasks route's user burst of 3
            long start = System.nanoTime();
            var response = get("/api/tasks", token);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-RateLimit-Remaining")).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
        assertThat(unavailable() - before).isEqualTo(5);
    }

    private double unavailable() {
        return meters.counter("crm.gateway.ratelimit.unavailable").count();
    }
}
