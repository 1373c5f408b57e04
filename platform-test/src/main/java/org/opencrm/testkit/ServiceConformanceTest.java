package org.opencrm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What every service promises operations and clients before any feature: probes that reflect MongoDB
 * and Kafka, metrics for Prometheus, an API that refuses anonymous callers with a problem response, and an
 * OpenAPI document equal to the one committed in {@code docs/api/<service>.json}.
 * A service's test extends this with {@code @SpringBootTest(webEnvironment = RANDOM_PORT)} and
 * {@link UseTestInfrastructure}, and names one of its API paths.
 */
public abstract class ServiceConformanceTest {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    @Value("${spring.application.name}")
    String applicationName;

    /** A path of the service's API, e.g. {@code /api/contacts}. */
    protected abstract String apiPath();

    @Test
    void isReadyOnlyWithItsDatabaseAndBroker() throws Exception {
        var readiness = get("/actuator/health/readiness", null);

        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<String>read(readiness.body(), "$.status")).isEqualTo("UP");
        assertThat(JsonPath.<String>read(readiness.body(), "$.components.mongo.status"))
                .isEqualTo("UP");
        assertThat(JsonPath.<String>read(readiness.body(), "$.components.kafka.status"))
                .isEqualTo("UP");
        assertThat(JsonPath.<String>read(get("/actuator/health/liveness", null).body(), "$.status"))
                .isEqualTo("UP");
    }

    @Test
    void exposesMetricsForPrometheus() throws Exception {
        var metrics = get("/actuator/prometheus", null);

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("jvm_memory_used_bytes")
                .contains("process_uptime_seconds")
                // the outbox relay runs in every service and reports how far publishing lags
                .contains("crm_outbox_pending")
                .contains("crm_outbox_lag_seconds");
    }

    @Test
    void describesItsApiInOpenApi() throws Exception {
        var document = get("/v3/api-docs", null);

        assertThat(document.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<String>read(document.body(), "$.openapi")).startsWith("3.");
        assertThat(JsonPath.<String>read(document.body(), "$.components.securitySchemes.bearer-jwt.scheme"))
                .isEqualTo("bearer");
        // the caller comes from the token: a documented "user" parameter would make generated clients send one
        assertThat(JsonPath.<List<Object>>read(document.body(), "$.paths.*.*.parameters[?(@.name == 'user')]"))
                .as("operations documenting the token's CurrentUser as a request parameter")
                .isEmpty();
        assertThat(document.body()).doesNotContain("#/components/schemas/CurrentUser");
    }

    /**
     * The API as served is the one committed in {@code docs/api/<service>.json}, so clients, reviewers and the
     * gateway's merged document ({@code docs/api/openapi.json}) can rely on the files without a running platform.
     */
    @Test
    void servesTheApiDocumentCommittedInDocs() throws Exception {
        var document = get("/v3/api-docs", null);
        assertThat(document.statusCode()).isEqualTo(200);

        String service = applicationName.replaceFirst("-service$", "");
        CommittedApiDocuments.compareOrWrite(
                CommittedApiDocuments.fileOf(service),
                CommittedApiDocuments.render(document.body()),
                "./crm mvn -B -ntp -o -pl " + applicationName + " verify -Dtest='*Conformance*'"
                        + " -Dsurefire.failIfNoSpecifiedTests=false -D" + CommittedApiDocuments.UPDATE_PROPERTY
                        + "=true"
                        + "\n  and then the merged document: ./crm mvn -B -ntp -o -pl gateway verify"
                        + " -Dtest=CommittedApiDocumentTest -D" + CommittedApiDocuments.UPDATE_PROPERTY + "=true");
    }

    @Test
    void refusesAnonymousCallersWithAProblemResponse() throws Exception {
        var response = get(apiPath(), null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JsonPath.<Integer>read(response.body(), "$.status")).isEqualTo(401);
    }

    @Test
    void refusesATokenSignedByAnotherKey() throws Exception {
        var forged = TestJwts.user("intruder").tenant("tenant-1").roles("ADMIN").mintSignedByAnotherKey();

        assertThat(get(apiPath(), forged).statusCode()).isEqualTo(401);
    }

    protected HttpResponse<String> get(String path, String bearer) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                // generous: springdoc builds the API document on its first request, slow on a loaded machine
                .timeout(Duration.ofSeconds(30))
                .GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
