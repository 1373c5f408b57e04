package org.opencrm.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResilienceTest extends GatewayTestSupport {

    @Test
    void aSlowServiceIsA503ProblemWithinItsTimeout() {
        var deals = SERVICES.get("deals");
        deals.delay(Duration.ofSeconds(5));
        try {
            long start = System.nanoTime();
            var response = get("/api/deals/d1", manager("slow", "t-resilience"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            assertThat(response.body())
                    .contains("\"type\":\"https://opencrm.org/problems/service-unavailable\"")
                    .contains("\"capability\":\"deals, pipelines and documents\"")
                    .contains("\"reason\":\"timeout\"")
                    .contains("\"instance\":\"/api/deals/d1\"");
            assertThat(took).isBetween(DEALS_TIMEOUT, DEALS_TIMEOUT.plusSeconds(2));
        } finally {
            deals.delay(Duration.ZERO);
        }
    }

    @Test
    void aStoppedServiceIs503UntilItReturnsAndTheCircuitOpensMeanwhile() {
        var notifications = SERVICES.get("notifications");
        String token = manager("stopped", "t-resilience");
        notifications.stop();
        try {
            var first = get("/api/notifications", token);
            assertThat(first.statusCode()).isEqualTo(503);
            assertThat(first.body())
                    .contains("\"capability\":\"notifications and webhooks\"")
                    .contains("\"reason\":\"unreachable\"");

            // enough failures open the circuit: then the gateway answers at once without trying
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> get("/api/notifications", token).body().contains("\"reason\":\"circuit-open\""));
        } finally {
            notifications.start();
        }

        // the service is back: once the circuit lets a trial call through, requests flow again
        await().atMost(OPEN_FOR.plusSeconds(10))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> get("/api/notifications", token).statusCode() == 200);
        assertThat(get("/api/notifications", token).statusCode()).isEqualTo(200);
    }

    @Test
    void anOversizedBodyIsA413Problem() {
        var contacts = SERVICES.get("contacts");
        String token = manager("big", "t-resilience");
        byte[] tooBig = new byte[(int) MAX_BODY + 1];
        int before = contacts.requests();

        var declared = send(
                "/api/contacts",
                request -> request.header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(tooBig)));
        int afterDeclared = contacts.requests();
        // without a Content-Length the body is counted while it streams: the service's call is abandoned
        var chunked = send(
                "/api/contacts",
                request -> request.header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(tooBig))));
        var fits = send(
                "/api/contacts",
                request -> request.header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[(int) MAX_BODY])));

        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(declared.body())
                .contains("\"type\":\"https://opencrm.org/problems/payload-too-large\"")
                .contains("\"maxBytes\":" + MAX_BODY);
        assertThat(afterDeclared).isEqualTo(before);
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(fits.statusCode()).isEqualTo(200);
        assertThat(StandInService.parse(fits.body())).containsEntry("bodyBytes", (int) MAX_BODY);
    }

    /**
     * A file upload is larger than the 1 MB (here 64 KB) other bodies may be, and sending it takes longer than
     * a service's ordinary timeout: each service's upload endpoints have their own route with the service's own
     * limit (deals-service's 6 MB per attachment request) and the upload's timeout, and are never retried.
     */
    @Test
    void anAttachmentLargerThanOtherBodiesAndSlowerThanOtherCallsReachesDealsService() {
        var deals = SERVICES.get("deals");
        String token = manager("upload", "t-resilience");
        int attachment = (int) (5 * MAX_BODY);
        deals.delay(DEALS_TIMEOUT.multipliedBy(2));
        try {
            var upload = send(
                    "/api/deals/d1/attachments",
                    request -> request.header("Authorization", "Bearer " + token)
                            .header("Content-Type", "multipart/form-data; boundary=b")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[attachment])));
            var ordinary = send(
                    "/api/deals/d1/notes",
                    request -> request.header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[attachment])));

            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(200);
            assertThat(StandInService.parse(upload.body()))
                    .containsEntry("path", "/api/deals/d1/attachments")
                    .containsEntry("bodyBytes", attachment);
            assertThat(ordinary.statusCode()).isEqualTo(413);
        } finally {
            deals.delay(Duration.ZERO);
        }
    }

    @Test
    void anAttachmentOverDealsServicesOwnLimitIsA413ThatNeverReachesIt() {
        var deals = SERVICES.get("deals");
        String token = manager("too-big-upload", "t-resilience");
        long sixMegabytes = 6L * 1024 * 1024;
        int before = deals.requests();

        var upload = send(
                "/api/deals/d1/attachments",
                request -> request.header("Authorization", "Bearer " + token)
                        .header("Content-Type", "multipart/form-data; boundary=b")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[(int) sixMegabytes + 1])));

        assertThat(upload.statusCode()).isEqualTo(413);
        assertThat(upload.body()).contains("\"maxBytes\":" + sixMegabytes);
        assertThat(deals.requests()).isEqualTo(before);
    }
}
