package org.opencrm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencrm.testkit.jwt.TestJwts;

/**
 * Issue #12 item 8 at the gateway (docs/reliability.md): every forged, stale or misplaced token on every route is a
 * 401 problem that no service behind it ever sees; an oversized one is refused before it costs anything. The
 * services check the same tokens again (each service's ServiceSecurityTest), because they are reachable without the
 * gateway.
 */
class JwtAttackTest extends GatewayTestSupport {

    private static final String TENANT = "t-jwt-attack";

    /** One path of each route (each service, the role-gated analytics and webhooks paths included). */
    private static final List<String> PATHS = List.of(
            "/api/contacts/c1",
            "/api/leads",
            "/api/deals",
            "/api/pipelines",
            "/api/tasks",
            "/api/teams/d1",
            "/api/notifications",
            "/api/webhooks",
            "/api/campaigns",
            "/api/analytics/funnel");

    static Map<String, String> attacks() {
        Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put("alg=none", admin().mintUnsigned());
        attacks.put("HS256 keyed with the public key", admin().mintHs256WithPublicKey());
        attacks.put("signed by another key", admin().mintSignedByAnotherKey());
        attacks.put("expired", admin().expired().mint());
        attacks.put(
                "not yet valid (nbf in an hour)",
                admin().claim("nbf", Date.from(Instant.now().plus(Duration.ofHours(1))))
                        .mint());
        attacks.put(
                "not yet valid (nbf 5 minutes ahead, beyond the 30 s skew)",
                admin().claim("nbf", Date.from(Instant.now().plus(Duration.ofMinutes(5))))
                        .mint());
        attacks.put("wrong issuer", admin().wrongIssuer().mint());
        attacks.put("wrong audience", admin().wrongAudience().mint());
        attacks.put("no audience", admin().without("aud").mint());
        attacks.put("no tenant", admin().without("tenant").mint());
        attacks.put("blank tenant", admin().tenant(" ").mint());
        attacks.put("no subject", admin().without("sub").mint());
        attacks.put("no expiry", admin().without("exp").mint());
        attacks.put("unknown kid", admin().unknownKeyId().mint());
        String operator =
                TestJwts.user("op-attack").tenant("t-other").roles("OPERATOR").mint();
        attacks.put("tampered payload (tenant and role rewritten, signature kept)", tamperPayload(operator));
        attacks.put("tampered signature (one byte flipped)", tamperSignature(admin().mint()));
        attacks.put("signature cut off", cutSignature(admin().mint()));
        String valid = admin().mint();
        attacks.put("6 KB of garbage signature", valid.substring(0, valid.lastIndexOf('.') + 1) + "A".repeat(6_000));
        attacks.put("not a JWT", "not-a-jwt");
        attacks.put("empty", "");
        return attacks;
    }

    @Test
    void everyBadTokenOnEveryRouteIsAnUnauthorizedProblemThatNoServiceSees() {
        var failures = new ArrayList<String>();
        int before = requestsToServices();
        int tried = 0;
        for (var attack : attacks().entrySet()) {
            for (String path : PATHS) {
                var response = get(path, attack.getValue());
                tried++;
                if (!isUnauthorizedProblem(response)) {
                    failures.add(path + " with a token " + attack.getKey() + " answered " + response.statusCode() + " "
                            + response.body());
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(requestsToServices()).as("requests that reached a service").isEqualTo(before);
        System.out.println("[security] gateway token attacks: " + tried + " requests, "
                + attacks().size() + " bad tokens on each of " + PATHS.size() + " routes, 0 reached a service");
    }

    @Test
    void aTokenInTheQueryStringIsNeverAccepted() {
        String valid = admin().mint();
        int before = requestsToServices();
        for (String path : PATHS) {
            for (String name : List.of("access_token", "token", "jwt", "bearer")) {
                var response = get(path + "?" + name + "=" + valid, null);
                assertThat(isUnauthorizedProblem(response))
                        .as(path + "?" + name + "= answered " + response.statusCode())
                        .isTrue();
            }
        }
        // and as a form field of a body, which Spring Security could also read
        var form = send(
                "/api/deals",
                request -> request.header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("access_token=" + valid)));
        assertThat(isUnauthorizedProblem(form))
                .as("a form field token answered " + form.statusCode())
                .isTrue();
        assertThat(requestsToServices()).as("requests that reached a service").isEqualTo(before);
    }

    @Test
    void anOversizedTokenOrHeaderIsRefusedWithoutReachingAService() {
        int before = requestsToServices();
        var hugeToken =
                get("/api/deals", admin().claim("padding", "x".repeat(40_000)).mint());
        var hugeGarbage = get("/api/deals", "A".repeat(100_000));
        var manyHeaders = send("/api/deals", request -> {
            request.header("Authorization", "Bearer " + admin().mint());
            for (int i = 0; i < 20; i++) {
                request.header("X-Padding-" + i, "y".repeat(1_000));
            }
        });

        for (var response : List.of(hugeToken, hugeGarbage, manyHeaders)) {
            assertThat(response.statusCode()).isBetween(400, 499);
        }
        assertThat(requestsToServices()).as("requests that reached a service").isEqualTo(before);
    }

    @Test
    void theSameRequestsWithAValidTokenDoReachTheServices() {
        // the control: without it, a gateway that refused everything would pass the tests above
        int before = requestsToServices();
        for (String path : PATHS) {
            var response = get(path, admin().mint());
            assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        }
        var skew = get(
                "/api/deals",
                admin().claim("nbf", Date.from(Instant.now().plusSeconds(5))).mint());
        assertThat(skew.statusCode()).as("nbf within the clock skew").isEqualTo(200);
        assertThat(requestsToServices()).isEqualTo(before + PATHS.size() + 1);
    }

    private static TestJwts.Builder admin() {
        return TestJwts.user("jwt-attacker").tenant(TENANT).departments("sales").roles("ADMIN");
    }

    private static int requestsToServices() {
        return SERVICES.values().stream().mapToInt(StandInService::requests).sum();
    }

    private static boolean isUnauthorizedProblem(HttpResponse<String> response) {
        return response.statusCode() == 401
                && response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")
                && response.body().contains("\"type\":\"https://opencrm.org/problems/unauthorized\"");
    }

    private static String tamperPayload(String token) {
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        payload = payload.replaceAll("\"tenant\":\"[^\"]*\"", "\"tenant\":\"" + TENANT + "\"")
                .replace("OPERATOR", "ADMIN");
        return parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + parts[2];
    }

    private static String tamperSignature(String token) {
        int at = token.lastIndexOf('.') + 10;
        char flipped = token.charAt(at) == 'A' ? 'B' : 'A';
        return token.substring(0, at) + flipped + token.substring(at + 1);
    }

    private static String cutSignature(String token) {
        return token.substring(0, token.lastIndexOf('.') + 1);
    }
}
