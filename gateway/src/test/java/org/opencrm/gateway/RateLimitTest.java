package org.opencrm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Limits of the shared test context: on the tasks route a user's bucket 3 (0.05/s) and the tenant's 6 (0.01/s),
 * form key 3 (0.01/s). Both of a request's buckets are checked by one Redis call (ratelimit/token-buckets.lua).
 */
class RateLimitTest extends GatewayTestSupport {

    @Test
    void aBurstBeyondTheUsersBucketIs429WithRetryAfterAndTheQuotaHeaders() {
        String token = manager("burst", "t-rate-1");
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            responses.add(get("/api/tasks", token));
        }

        assertThat(responses.subList(0, 3))
                .allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        assertThat(responses.get(0).headers().firstValue("X-RateLimit-Limit")).contains("3");
        assertThat(responses.get(0).headers().firstValue("X-RateLimit-Remaining"))
                .contains("2");
        assertThat(responses.get(2).headers().firstValue("X-RateLimit-Remaining"))
                .contains("0");
        var refused = responses.get(3);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(refused.body()).contains("\"type\":\"https://opencrm.org/problems/too-many-requests\"");
        // one token every 20 s: the wait is at most that, in whole seconds
        assertThat(Integer.parseInt(refused.headers().firstValue("Retry-After").orElseThrow()))
                .isBetween(1, 20);
        assertThat(refused.headers().firstValue("X-RateLimit-Remaining")).contains("0");
    }

    @Test
    void oneUsersBurstLeavesOtherUsersAndOtherRoutesAlone() {
        String busy = manager("busy", "t-rate-2");
        for (int i = 0; i < 4; i++) {
            get("/api/tasks", busy);
        }

        assertThat(get("/api/tasks", busy).statusCode()).isEqualTo(429);
        assertThat(get("/api/tasks", manager("colleague", "t-rate-2")).statusCode())
                .isEqualTo(200);
        assertThat(get("/api/deals", busy).statusCode()).isEqualTo(200);
    }

    @Test
    void onceTheTenantsBucketIsEmptyItsUsersAreRefusedThoughTheirOwnBucketsHaveTokens() {
        String tenant = "t-rate-3";
        for (String user : List.of("a", "b", "c")) {
            for (int i = 0; i < 2; i++) {
                assertThat(get("/api/tasks", manager(user, tenant)).statusCode())
                        .as(user + " request " + (i + 1))
                        .isEqualTo(200);
            }
        }

        // each user has one token left of 3; the tenant's 6 are gone
        var refused = get("/api/tasks", manager("a", tenant));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("X-RateLimit-Limit")).contains("6");
        assertThat(refused.headers().firstValue("X-RateLimit-Remaining")).contains("0");
        assertThat(get("/api/tasks", manager("newcomer", tenant)).statusCode()).isEqualTo(429);
        // another tenant's users are not held up by it
        var elsewhere = get("/api/tasks", manager("a", "t-rate-4"));
        assertThat(elsewhere.statusCode()).isEqualTo(200);
        assertThat(elsewhere.headers().firstValue("X-RateLimit-Limit")).contains("3");
        assertThat(elsewhere.headers().firstValue("X-RateLimit-Remaining")).contains("2");
    }

    @Test
    void aWebsiteFormIsLimitedByItsKey() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(postForm("site-form-rate").statusCode());
        }

        assertThat(statuses).containsExactly(200, 200, 200, 429);
        assertThat(postForm("another-site-form").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> postForm(String key) {
        return send(
                "/api/leads",
                request -> request.header("X-Form-Key", key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ann\"}")));
    }
}
