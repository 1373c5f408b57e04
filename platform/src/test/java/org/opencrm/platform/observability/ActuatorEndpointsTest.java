package org.opencrm.platform.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencrm.platform.web.PlatformWebTest;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The platform's observability defaults as an operator meets them: a service that configures nothing
 * exposes Prometheus metrics and liveness/readiness probes that reflect MongoDB and Kafka, and logs JSON
 * lines carrying the trace id.
 */
@ExtendWith(OutputCaptureExtension.class)
class ActuatorEndpointsTest extends PlatformWebTest {

    @Test
    void prometheusServesHttpAndJvmMetrics() {
        get("/test/public/ping").send();

        var response = get("/actuator/prometheus").send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("text/plain");
        assertThat(response.body())
                .contains("http_server_requests_seconds_bucket{")
                .contains("uri=\"/test/public/ping\"")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void livenessDependsOnTheApplicationAlone() {
        var response = get("/actuator/health/liveness").send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("status").asString()).isEqualTo("UP");
        assertThat(response.json().path("components").propertyNames()).containsExactly("livenessState");
    }

    @Test
    void readinessIncludesMongoAndKafkaAndIsUpAgainstTheEmbeddedServers() {
        var response = get("/actuator/health/readiness").send();

        JsonNode components = response.json().path("components");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(components.propertyNames()).containsExactlyInAnyOrder("readinessState", "mongo", "kafka");
        assertThat(components.path("mongo").path("status").asString()).isEqualTo("UP");
        assertThat(components.path("kafka").path("status").asString()).isEqualTo("UP");
    }

    @Test
    void logLinesAreJsonAndCarryTheTraceIdTheClientSees(CapturedOutput output) {
        var response = get("/test/boom")
                .token(TestJwts.user("u1").roles("ADMIN").mint())
                .send();
        String traceId = response.json().path("traceId").asString();

        JsonNode errorLine = jsonLines(output).stream()
                .filter(line -> line.path("message").asString().contains("GET /test/boom answered 500"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no JSON log line for the failure in:\n" + output));
        assertThat(traceId).matches("[0-9a-f]{32}");
        assertThat(errorLine.path("traceId").asString()).isEqualTo(traceId);
        assertThat(errorLine.path("spanId").asString()).matches("[0-9a-f]{16}");
        assertThat(errorLine.path("log").path("level").asString()).isEqualTo("ERROR");
        assertThat(errorLine.path("error").path("stack_trace").asString()).contains("TestController.boom");
    }

    @Test
    void aTraceStartedByTheCallerIsContinued() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";

        var response = get("/test/boom")
                .token(TestJwts.user("u1").mint())
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .send();

        assertThat(response.json().path("traceId").asString()).isEqualTo(traceId);
    }

    private static List<JsonNode> jsonLines(CapturedOutput output) {
        var json = JsonMapper.builder().build();
        return output.getOut()
                .lines()
                .filter(line -> line.startsWith("{"))
                .map(json::readTree)
                .toList();
    }
}
