package org.opencrm.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencrm.platform.web.PlatformWebTest;
import org.opencrm.platform.web.ProblemType;
import org.opencrm.testkit.jwt.TestJwts;
import tools.jackson.databind.JsonNode;

/** What a client sees from the resource-server configuration, over real HTTP. */
class BearerTokenTest extends PlatformWebTest {

    @Test
    void aValidTokenReachesTheControllerAsTheCurrentUser() {
        String token = TestJwts.user("u1")
                .tenant("t1")
                .departments("d1", "d2")
                .roles("MANAGER", "analyst", "NOT_A_ROLE")
                .mint();

        var response = get("/test/me").token(token).send();

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode argument = response.json().path("argument");
        assertThat(argument.path("userId").asString()).isEqualTo("u1");
        assertThat(argument.path("tenantId").asString()).isEqualTo("t1");
        assertThat(argument.path("departments").values())
                .extracting(JsonNode::asString)
                .containsExactlyInAnyOrder("d1", "d2");
        assertThat(argument.path("roles").values())
                .extracting(JsonNode::asString)
                .containsExactlyInAnyOrder("MANAGER", "ANALYST");
        assertThat(response.json().path("fromContext")).isEqualTo(argument);
    }

    @Test
    void noTokenIsAnsweredWithAProblemAndABearerChallenge() {
        var response = get("/test/me").send();

        assertProblem(response, ProblemType.UNAUTHORIZED, "/test/me");
        assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void aBrowserAskingForHtmlStillGetsProblemJson() {
        var response = get("/test/me").header("Accept", "text/html").send();

        assertProblem(response, ProblemType.UNAUTHORIZED, "/test/me");
    }

    static Stream<Arguments> rejectedTokens() {
        return Stream.of(
                rejected("signed by another key", () -> TestJwts.user("u1").mintSignedByAnotherKey()),
                rejected("alg=none", () -> TestJwts.user("u1").mintUnsigned()),
                rejected(
                        "HS256 keyed with the public key",
                        () -> TestJwts.user("u1").mintHs256WithPublicKey()),
                rejected("wrong issuer", () -> TestJwts.user("u1").wrongIssuer().mint()),
                rejected(
                        "wrong audience",
                        () -> TestJwts.user("u1").wrongAudience().mint()),
                rejected("unknown kid", () -> TestJwts.user("u1").unknownKeyId().mint()),
                rejected("expired", () -> TestJwts.user("u1").expired().mint()),
                rejected(
                        "no tenant claim",
                        () -> TestJwts.user("u1").without("tenant").mint()),
                rejected(
                        "blank tenant claim",
                        () -> TestJwts.user("u1").tenant(" ").mint()),
                rejected("no subject", () -> TestJwts.user("u1").without("sub").mint()),
                rejected("no expiry", () -> TestJwts.user("u1").without("exp").mint()),
                rejected("not a JWT", () -> "not-a-jwt"));
    }

    private static Arguments rejected(String name, Supplier<String> token) {
        return Arguments.of(name, token);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedTokens")
    void aBadTokenIsRejectedWith401(String name, Supplier<String> token) {
        var response = get("/test/me").token(token.get()).send();

        JsonNode problem = assertProblem(response, ProblemType.UNAUTHORIZED, "/test/me");
        assertThat(problem.path("detail").asString()).isEqualTo("The bearer token is invalid or has expired.");
        assertThat(response.header("WWW-Authenticate")).contains("invalid_token");
    }

    @Test
    void aTokenExpiredWithinTheClockSkewIsStillAccepted() {
        String token = TestJwts.user("u1")
                .issuedAt(java.time.Instant.now().minus(Duration.ofMinutes(10)))
                .expiresIn(Duration.ofMinutes(10).minusSeconds(5))
                .mint();

        assertThat(get("/test/me").token(token).send().status()).isEqualTo(200);
    }

    @Test
    void aMissingRoleIsAnswered403AndTheRightRolePasses() {
        var manager = get("/test/admin-only")
                .token(TestJwts.user("u1").roles("MANAGER").mint())
                .send();
        var admin = get("/test/admin-only")
                .token(TestJwts.user("u2").roles("ADMIN").mint())
                .send();

        assertProblem(manager, ProblemType.FORBIDDEN, "/test/admin-only");
        assertThat(manager.body()).doesNotContain("for admins");
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.json().path("secret").asString()).isEqualTo("for admins");
    }

    @Test
    void publicPathsAnswerWithoutAToken() {
        assertThat(get("/test/public/ping").send().status()).isEqualTo(200);
        assertThat(get("/actuator/health/liveness").send().status()).isEqualTo(200);
        assertThat(get("/actuator/info").send().status()).isEqualTo(200);
        assertThat(get("/actuator/prometheus").send().status()).isEqualTo(200);
    }

    @Test
    void otherActuatorEndpointsAreNeitherExposedNorOpen() {
        assertThat(get("/actuator/env").send().status()).isEqualTo(401);
        assertThat(get("/actuator/env")
                        .token(TestJwts.user("u1").roles("ADMIN").mint())
                        .send()
                        .status())
                .isEqualTo(404);
    }

    @Test
    void anUnknownPathIs401WithoutATokenAnd404WithOne() {
        assertProblem(get("/nowhere").send(), ProblemType.UNAUTHORIZED, "/nowhere");
        assertProblem(get("/nowhere").token(TestJwts.user("u1").mint()).send(), ProblemType.NOT_FOUND, "/nowhere");
    }
}
