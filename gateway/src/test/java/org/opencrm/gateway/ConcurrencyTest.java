package org.opencrm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The gateway passes concurrent requests on concurrently. The service holds every request until all of them
 * have arrived, so the requests can only succeed if the gateway has them all in flight at once: a gateway that
 * serializes calls, blocks an event loop while it waits, or caps concurrent calls per route below that number
 * (a connection pool, a bulkhead) leaves the service waiting, and the held requests fail.
 */
class ConcurrencyTest extends GatewayTestSupport {

    /** More than the 25 concurrent calls of Resilience4j's default bulkhead and of a small connection pool. */
    private static final int CONCURRENT = 40;

    @Test
    void fortyRequestsInFlightAtOnceAllReachTheServiceTogether() throws Exception {
        var contacts = SERVICES.get("contacts");
        contacts.holdUntil(CONCURRENT, Duration.ofSeconds(15)); // below the route's timeout (GatewayTestSupport)
        var client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
            // users of their own: the test is about concurrency, not about one user's rate limit
            String token = manager("concurrent-" + i, "t-concurrency");
            var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/contacts/held/" + i))
                    .header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(30))
                    .build();
            responses.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }

        CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).get(40, TimeUnit.SECONDS);

        assertThat(responses)
                .extracting(response -> response.join().statusCode())
                .containsOnly(200);
        assertThat(responses)
                .extracting(
                        response -> StandInService.parse(response.join().body()).get("path"))
                .hasSize(CONCURRENT)
                .doesNotHaveDuplicates();
    }
}
