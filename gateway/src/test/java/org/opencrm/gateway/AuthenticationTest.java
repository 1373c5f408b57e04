package org.opencrm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencrm.testkit.jwt.TestJwts;

class AuthenticationTest extends GatewayTestSupport {

    static Stream<Arguments> rejectedTokens() {
        return Stream.of(
                Arguments.of("bad signature", TestJwts.user("u1").roles("ADMIN").mintSignedByAnotherKey()),
                Arguments.of("alg=none", TestJwts.user("u1").roles("ADMIN").mintUnsigned()),
                Arguments.of(
                        "HS256 keyed with the public key",
                        TestJwts.user("u1").roles("ADMIN").mintHs256WithPublicKey()),
                Arguments.of(
                        "wrong issuer",
                        TestJwts.user("u1").roles("ADMIN").wrongIssuer().mint()),
                Arguments.of(
                        "wrong audience",
                        TestJwts.user("u1").roles("ADMIN").wrongAudience().mint()),
                Arguments.of(
                        "unknown kid",
                        TestJwts.user("u1").roles("ADMIN").unknownKeyId().mint()),
                Arguments.of(
                        "expired", TestJwts.user("u1").roles("ADMIN").expired().mint()),
                Arguments.of(
                        "no tenant",
                        TestJwts.user("u1").roles("ADMIN").without("tenant").mint()),
                Arguments.of(
                        "no expiry",
                        TestJwts.user("u1").roles("ADMIN").without("exp").mint()),
                Arguments.of("not a JWT", "not-a-jwt"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedTokens")
    void aBadTokenIsAnUnauthorizedProblemAndNeverReachesTheService(String why, String token) {
        int before = SERVICES.get("deals").requests();

        var response = get("/api/deals", token);

        assertUnauthorized(response);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer error=\"invalid_token\"");
        assertThat(SERVICES.get("deals").requests()).isEqualTo(before);
    }

    @Test
    void noTokenIsAnUnauthorizedProblem() {
        var response = get("/api/contacts/c1", null);

        assertUnauthorized(response);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertThat(response.body()).contains("\"detail\":\"This request needs a bearer token.\"");
    }

    @Test
    void aRoleThePathDoesNotAllowIsAForbiddenProblem() {
        String operator =
                TestJwts.user("op1").tenant("t-auth").roles("OPERATOR").mint();
        String analyst = TestJwts.user("an1").tenant("t-auth").roles("analyst").mint();

        var denied = get("/api/analytics/funnel", operator);
        var allowed = get("/api/analytics/funnel", analyst);
        var webhooks = get("/api/webhooks", analyst);

        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(denied.body())
                .contains("\"type\":\"https://opencrm.org/problems/forbidden\"")
                .contains("\"status\":403")
                .contains("\"instance\":\"/api/analytics/funnel\"");
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(webhooks.statusCode()).isEqualTo(403);
    }

    @Test
    void aTokenWithoutAnyKnownRoleIsForbiddenEverywhere() {
        String nobody =
                TestJwts.user("nobody").tenant("t-auth").roles("JANITOR").mint();

        assertThat(get("/api/contacts/c1", nobody).statusCode()).isEqualTo(403);
    }

    @Test
    void aWebsiteFormPostsLeadsWithItsKeyAndNoToken() {
        var form = send(
                "/api/leads",
                request -> request.header("X-Form-Key", "site-form-auth")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ann\"}")));
        var withoutKey = send(
                "/api/leads",
                request -> request.header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ann\"}")));
        var readingLeads = send("/api/leads", request -> request.header("X-Form-Key", "site-form-auth"));

        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(StandInService.parse(form.body()).get("headers").toString()).contains("X-Form-Key=site-form-auth");
        assertUnauthorized(withoutKey);
        assertUnauthorized(readingLeads);
    }

    private static void assertUnauthorized(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(response.body())
                .contains("\"type\":\"https://opencrm.org/problems/unauthorized\"")
                .contains("\"title\":\"Authentication required\"")
                .contains("\"status\":401");
    }
}
