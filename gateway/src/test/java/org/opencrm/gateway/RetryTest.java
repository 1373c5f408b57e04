package org.opencrm.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The retry rule (docs/gateway.md, "Resilience") against a real HTTP service (WireMock) on a route of its own:
 * GET is asked once more when the service was unavailable (503) or the connection failed; other failures are
 * answered as they are, and a POST reaches the service exactly once whatever happens.
 */
class RetryTest extends GatewayTestSupport {

    private static final WireMockServer SERVICE = new WireMockServer(options().dynamicPort());

    static {
        SERVICE.start();
    }

    @DynamicPropertySource
    static void stubRoute(DynamicPropertyRegistry registry) {
        registry.add("crm.gateway.services.stub.uri", SERVICE::baseUrl);
        registry.add("crm.gateway.services.stub.capability", () -> "stubbed answers");
        registry.add("crm.gateway.services.stub.paths", () -> "/api/stub/**");
    }

    @AfterAll
    static void stop() {
        SERVICE.stop();
    }

    @Test
    void aGetAnswered503OnceIsRetriedAndSucceeds() {
        String path = "/api/stub/get-503-once";
        SERVICE.stubFor(WireMock.get(path)
                .inScenario(path)
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("ready"));
        SERVICE.stubFor(WireMock.get(path)
                .inScenario(path)
                .whenScenarioStateIs("ready")
                .willReturn(ok("{\"ok\":true}").withHeader("Content-Type", "application/json")));

        var response = call(path, request -> request.GET());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"ok\":true}");
        SERVICE.verify(exactly(2), getRequestedFor(urlPathEqualTo(path)));
    }

    @Test
    void aGetWhoseConnectionWasResetIsRetriedAndSucceeds() {
        String path = "/api/stub/get-reset-once";
        SERVICE.stubFor(WireMock.get(path)
                .inScenario(path)
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))
                .willSetStateTo("ready"));
        SERVICE.stubFor(
                WireMock.get(path).inScenario(path).whenScenarioStateIs("ready").willReturn(ok("fine")));

        var response = call(path, request -> request.GET());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("fine");
        SERVICE.verify(exactly(2), getRequestedFor(urlPathEqualTo(path)));
    }

    @Test
    void aGetAnsweredWithAnotherErrorIsNotRetried() {
        String path = "/api/stub/get-500";
        SERVICE.stubFor(WireMock.get(path).willReturn(aResponse().withStatus(500)));

        var response = call(path, request -> request.GET());

        assertThat(response.statusCode()).isEqualTo(500);
        SERVICE.verify(exactly(1), getRequestedFor(urlPathEqualTo(path)));
    }

    @Test
    void aPostAnswered503ReachesTheServiceExactlyOnce() {
        String path = "/api/stub/post-503";
        SERVICE.stubFor(post(path).willReturn(aResponse().withStatus(503)));

        var response = call(path, request -> request.POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}")));

        assertThat(response.statusCode()).isEqualTo(503);
        SERVICE.verify(exactly(1), postRequestedFor(urlPathEqualTo(path)));
    }

    @Test
    void aPostWhoseConnectionWasResetReachesTheServiceExactlyOnce() {
        String path = "/api/stub/post-reset";
        SERVICE.stubFor(post(path).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        var response = call(path, request -> request.POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}")));

        // the gateway does not know whether the service acted on it: the caller decides, with the 503 problem
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("\"capability\":\"stubbed answers\"");
        SERVICE.verify(exactly(1), postRequestedFor(urlPathEqualTo(path)));
    }

    private HttpResponse<String> call(String path, Consumer<HttpRequest.Builder> method) {
        String token = admin("retry", "t-retry");
        return send(path, request -> {
            request.header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
            method.accept(request);
        });
    }
}
