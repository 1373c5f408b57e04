package org.opencrm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class RoutingTest extends GatewayTestSupport {

    @ParameterizedTest
    @CsvSource({
        "/api/contacts/c1, contacts",
        "/api/leads, contacts",
        "/api/telephony/calls/incoming, contacts",
        "/api/deals/d1/stage, deals",
        "/api/pipelines, deals",
        "/api/document-templates/t1, deals",
        "/api/deal-settings, deals",
        "/api/tasks, tasks",
        "/api/teams/sales, tasks",
        "/api/automation-rules/r1, tasks",
        "/api/notifications, notifications",
        "/api/webhooks/w1, notifications",
        "/api/campaigns, notifications",
        "/api/analytics/funnel, analytics"
    })
    void everyPrefixReachesItsServiceWithTheTokenRelayed(String path, String service) {
        String token = admin("routing-" + service, "t-routing");

        var response = get(path, token);

        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Object> echo = StandInService.parse(response.body());
        assertThat(echo).containsEntry("service", service).containsEntry("path", path);
        assertThat(echo.get("headers"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("Authorization", "Bearer " + token);
    }

    @ParameterizedTest
    @CsvSource({"/public/unsubscribe, notifications", "/public/calendar/feed-token.ics, tasks"})
    void publicLinksReachTheirServiceWithoutAToken(String path, String service) {
        var response = get(path, null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(StandInService.parse(response.body()))
                .containsEntry("service", service)
                .containsEntry("path", path);
        // only GET: nothing else is a link
        var post = send(path, request -> request.POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(post.statusCode()).isEqualTo(401);
    }

    @Test
    void aPathNoServiceServesIsNotFound() {
        var response = get("/api/nothing-here", admin("u", "t-routing"));

        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void requestIdIsGeneratedOrKeptAndPassedOn(CapturedOutput output) {
        String token = admin("request-id", "t-routing");

        var generated = get("/api/contacts/c1", token);
        var kept = send(
                "/api/contacts/c1",
                request ->
                        request.header("Authorization", "Bearer " + token).header("X-Request-Id", "client-chosen-42"));
        var unacceptable = send(
                "/api/contacts/c1",
                request -> request.header("Authorization", "Bearer " + token).header("X-Request-Id", "x".repeat(300)));

        String id = generated.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(id).matches("[0-9a-f-]{36}");
        assertThat(headersSeenBy(generated)).containsEntry("X-Request-Id", id);
        assertThat(kept.headers().firstValue("X-Request-Id")).contains("client-chosen-42");
        assertThat(headersSeenBy(kept)).containsEntry("X-Request-Id", "client-chosen-42");
        assertThat(unacceptable.headers().firstValue("X-Request-Id").orElseThrow())
                .hasSize(36);

        // the trace continues in the service (W3C traceparent) and the access log names the same trace
        String traceparent = (String) headersSeenBy(kept).get("traceparent");
        assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
        String traceId = traceparent.substring(3, 35);
        org.awaitility.Awaitility.await()
                .untilAsserted(() -> assertThat(output.getOut())
                        .containsPattern(
                                "GET /api/contacts/c1 200 \\d+ms route=contacts requestId=client-chosen-42 traceId="
                                        + traceId + " tenant=t-routing user=request-id"));
    }

    @Test
    void answersCarrySecurityHeaders() {
        var response = get("/api/contacts/c1", admin("headers", "t-routing"));

        assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(response.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(response.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(response.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("frame-ancestors 'none'");
        assertThat(response.headers().firstValue("Cache-Control").orElseThrow()).contains("no-store");
    }

    @Test
    void corsPreflightIsAnsweredForConfiguredOriginsOnly() {
        var allowed = send(
                "/api/deals",
                request -> request.method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                        .header("Origin", "https://console.example")
                        .header("Access-Control-Request-Method", "POST")
                        .header("Access-Control-Request-Headers", "authorization,content-type"));
        var other = send(
                "/api/deals",
                request -> request.method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                        .header("Origin", "https://evil.example")
                        .header("Access-Control-Request-Method", "POST"));

        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains("https://console.example");
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Methods").orElseThrow())
                .contains("POST");
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void answersItsReadinessProbeWithoutAToken() {
        var response = get("/actuator/health/readiness", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\":\"UP\"");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> headersSeenBy(java.net.http.HttpResponse<String> response) {
        return (Map<String, Object>) StandInService.parse(response.body()).get("headers");
    }
}
