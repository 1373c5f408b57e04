package org.opencrm.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** deals-service is down (nothing listens on its port): closing a deal fails cleanly. */
class DealsServiceDownTest extends TasksIntegrationTest {

    @DynamicPropertySource
    static void dealsServiceDown(DynamicPropertyRegistry registry) {
        registry.add("crm.tasks.deals-url", () -> "http://127.0.0.1:" + closedPort());
        registry.add("crm.tasks.deals.minimum-calls", () -> "2");
    }

    private static int closedPort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void closeDealWhileDealsServiceIsDownIsA503AndTheTaskStaysOpen() {
        String tenant = unique("t");
        String token = manager(tenant, "m1", "sales");
        String deal = unique("deal");
        send(dealCreated(tenant, deal, "m1", "sales"));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("/api/tasks/missing-next-step", admin(tenant))
                        .<List<String>>json("$.items[*].dealId")
                        .contains(deal));
        String task = createTask(tenant, token, null, "sales", now().plus(Duration.ofHours(1)), deal, null);

        for (int attempt = 0; attempt < 3; attempt++) {
            var response = post(
                    "/api/tasks/" + task + "/complete",
                    token,
                    "{\"outcome\": \"REFUSED\", \"closeDeal\": {\"lossReason\": \"too-expensive\"}}");
            assertThat(response.status()).isEqualTo(503);
            assertThat(response.<String>json("$.type")).isEqualTo("https://opencrm.org/problems/service-unavailable");
        }

        var stored = get("/api/tasks/" + task, token);
        assertThat(stored.<String>json("$.status")).isEqualTo("OPEN");
        assertThat(stored.<Boolean>json("$.dealClosed")).isFalse();
        try (var topic = tasksTopic()) {
            assertThat(settle(topic, event(tenant, "TaskCompleted"))).isEmpty();
        }
    }
}
