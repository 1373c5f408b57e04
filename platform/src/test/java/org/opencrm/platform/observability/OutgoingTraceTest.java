package org.opencrm.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.Tracer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencrm.platform.web.PlatformWebTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.client.RestClient;

/** A call from one service to another continues the caller's trace when made with the platform's builder. */
class OutgoingTraceTest extends PlatformWebTest {

    @Autowired
    RestClient.Builder restClients;

    @Autowired
    Tracer tracer;

    @Test
    void aCallMadeWithTheAutoConfiguredBuilderCarriesTheCallersTrace() {
        var client = restClients.baseUrl("http://127.0.0.1:" + port).build();
        var span = tracer.nextSpan().name("complete task").start();
        Map<String, String> seen;
        try (var scope = tracer.withSpan(span)) {
            seen = client.get()
                    .uri("/test/public/traceparent")
                    .retrieve()
                    .body(new ParameterizedTypeReference<Map<String, String>>() {});
        } finally {
            span.end();
        }

        assertThat(seen.get("traceparent")).startsWith("00-" + span.context().traceId() + "-");
    }
}
