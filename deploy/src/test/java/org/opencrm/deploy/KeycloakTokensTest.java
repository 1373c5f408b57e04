package org.opencrm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The realm of deploy/compose imported into a real Keycloak, the version of compose's image, run from its
 * server distribution on Maven Central (no Docker): every client of the realm gets the tokens the services
 * accept and nothing more. {@link KeycloakRealmTest} reads the file; this test asks the server. Runs only with
 * {@code -Pkeycloak} (a 170 MB download and minutes of start-up on two cores).
 */
@Tag("keycloak")
class KeycloakTokensTest {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(10);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Process keycloak;
    private static Path log;
    private static String issuer;
    private static DefaultJWTProcessor<SecurityContext> verifier;

    @BeforeAll
    static void startKeycloakWithTheComposeRealm() throws Exception {
        assertThat(Runtime.version().feature())
                .as(
                        "Keycloak %s needs Java 21 or newer; run Maven with ./crm mvn",
                        System.getProperty("crm.keycloak.version"))
                .isGreaterThanOrEqualTo(21);
        Path home = Path.of(System.getProperty("crm.keycloak.home", "target/keycloak/missing"));
        assertThat(home.resolve("bin/kc.sh"))
                .as("the unpacked distribution (-Pkeycloak unpacks it)")
                .exists();
        // a fresh H2 database every run: the import skips a realm that already exists
        deleteRecursively(home.resolve("data"));
        Files.createDirectories(home.resolve("data/import"));
        Files.copy(Repo.path("deploy/compose/keycloak/crm-realm.json"), home.resolve("data/import/crm-realm.json"));

        int port = freePort();
        issuer = "http://localhost:" + port + "/realms/crm";
        log = home.getParent().resolve("keycloak.log");
        var command = new ProcessBuilder(
                        home.resolve("bin/kc.sh").toString(),
                        "start-dev",
                        "--import-realm",
                        "--http-host=127.0.0.1",
                        "--http-port=" + port,
                        "--http-management-port=" + freePort(),
                        // compose fixes the issuer the same way (KC_HOSTNAME)
                        "--hostname=http://localhost:" + port)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        command.environment().put("JAVA_HOME", System.getProperty("java.home"));
        keycloak = command.start();

        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!answers(issuer + "/.well-known/openid-configuration")) {
            if (!keycloak.isAlive() || Instant.now().isAfter(deadline)) {
                fail("Keycloak did not start (" + (keycloak.isAlive() ? "timeout" : "exited") + "); the end of " + log
                        + ":\n" + tail(log));
            }
            Thread.sleep(1_000);
        }
        verifier = new DefaultJWTProcessor<>();
        // RS256 only, keys from the realm's JWK set: what the services' decoders accept
        verifier.setJWSKeySelector(new JWSVerificationKeySelector<>(
                JWSAlgorithm.RS256,
                JWKSourceBuilder.create(URI.create(issuer + "/protocol/openid-connect/certs")
                                .toURL())
                        .build()));
    }

    @AfterAll
    static void stopKeycloak() {
        if (keycloak != null) {
            keycloak.descendants().forEach(ProcessHandle::destroy);
            keycloak.destroy();
        }
    }

    @Test
    void everyDemoUserGetsTheSubjectTenantDepartmentsAndRolesTheServicesRead() throws Exception {
        JsonNode users = Repo.yaml(Repo.path("identity/src/main/resources/application.yml"))
                .path("crm")
                .path("identity");
        String tenant = users.path("tenant").asText();
        for (JsonNode user : KeycloakRealmTest.list(users.path("users"))) {
            String username = user.path("username").asText();
            var token = token(Map.of(
                    "grant_type", "password",
                    "client_id", "crm-console",
                    "username", username,
                    "password", "demo",
                    "scope", "openid"));

            assertThat(token.status())
                    .as("%s logs in: %s", username, token.body())
                    .isEqualTo(200);
            JWTClaimsSet claims = token.accessClaims();
            assertThat(claims.getSubject()).as("sub").isEqualTo(username);
            assertThat(claims.getStringClaim("tenant"))
                    .as("%s tenant", username)
                    .isEqualTo(tenant);
            assertThat(claims.getStringListClaim("departments"))
                    .as("%s departments", username)
                    .containsExactlyInAnyOrderElementsOf(KeycloakRealmTest.strings(user.path("departments")));
            assertThat(claims.getStringListClaim("roles"))
                    .as("%s roles", username)
                    .containsExactlyInAnyOrderElementsOf(KeycloakRealmTest.strings(user.path("roles")));
            assertThat(scopes(claims))
                    .as("a user token never reads other services' internals")
                    .doesNotContain("contacts.birthdays");
        }
    }

    @Test
    void theIntegrationClientActsForTheDemoTenantWithTheIntegrationRoleOnly() throws Exception {
        var token = token(Map.of(
                "grant_type", "client_credentials",
                "client_id", "crm-integration",
                "client_secret", "integration-secret"));

        assertThat(token.status()).as(token.body()).isEqualTo(200);
        JWTClaimsSet claims = token.accessClaims();
        assertThat(claims.getSubject()).isNotBlank();
        assertThat(claims.getStringClaim("tenant")).isEqualTo("demo");
        assertThat(claims.getStringListClaim("roles")).containsExactly("INTEGRATION");
        assertThat(scopes(claims)).doesNotContain("contacts.birthdays");
    }

    /**
     * notifications-service's birthday greetings: compose gives it the client secret, and the token carries
     * the scope contacts-service's {@code /internal/contacts/birthdays} requires, the audience, and neither a
     * tenant nor a role, so the platform's {@code /api} chain refuses it everywhere else.
     */
    @Test
    void notificationsServiceGetsTheBirthdaysScopeWithTheSecretComposeGivesIt() throws Exception {
        var token = token(Map.of(
                "grant_type",
                "client_credentials",
                "client_id",
                composeNotificationsEnvironment("CRM_NOTIFICATIONS_CLIENT_ID", "crm-notifications"),
                "client_secret",
                composeNotificationsEnvironment("CRM_NOTIFICATIONS_CLIENT_SECRET", null),
                "scope",
                "contacts.birthdays"));

        assertThat(token.status()).as(token.body()).isEqualTo(200);
        JWTClaimsSet claims = token.accessClaims();
        assertThat(claims.getSubject()).isNotBlank();
        assertThat(scopes(claims)).contains("contacts.birthdays");
        assertThat(claims.getClaim("tenant"))
                .as("no tenant: it reads each tenant it is asked for")
                .isNull();
        assertThat(claims.getClaim("roles")).as("no role on any /api path").isNull();
        assertThat(claims.getClaim("realm_access")).isNull();
    }

    @Test
    void noOtherClientMayAskForTheBirthdaysScope() throws Exception {
        var integration = token(Map.of(
                "grant_type", "client_credentials",
                "client_id", "crm-integration",
                "client_secret", "integration-secret",
                "scope", "contacts.birthdays"));
        var user = token(Map.of(
                "grant_type", "password",
                "client_id", "crm-console",
                "username", "admin",
                "password", "demo",
                "scope", "openid contacts.birthdays"));

        assertThat(integration.status()).isEqualTo(400);
        assertThat(integration.json().path("error").asText()).isEqualTo("invalid_scope");
        assertThat(user.status()).isEqualTo(400);
        assertThat(user.json().path("error").asText()).isEqualTo("invalid_scope");
    }

    @Test
    void aWrongSecretGetsNoToken() throws Exception {
        var token = token(Map.of(
                "grant_type", "client_credentials",
                "client_id", "crm-notifications",
                "client_secret", "not-the-secret",
                "scope", "contacts.birthdays"));

        assertThat(token.status()).isEqualTo(401);
        assertThat(token.json().has("access_token")).isFalse();
    }

    @Test
    void composeRunsTheKeycloakThisTestStarted() {
        String image = Repo.yaml(Repo.path("deploy/compose/docker-compose.yml"))
                .path("services")
                .path("keycloak")
                .path("image")
                .asText();
        assertThat(image).isEqualTo("quay.io/keycloak/keycloak:" + System.getProperty("crm.keycloak.version"));
    }

    /** A value of notifications-service's environment in compose, resolving {@code ${VAR:-default}}. */
    private static String composeNotificationsEnvironment(String name, String fallback) {
        JsonNode value = Repo.yaml(Repo.path("deploy/compose/docker-compose.yml"))
                .path("services")
                .path("notifications")
                .path("environment")
                .path(name);
        if (value.isMissingNode()) {
            assertThat(fallback)
                    .as("compose sets %s for notifications-service", name)
                    .isNotNull();
            return fallback;
        }
        return value.asText().replaceAll("^\\$\\{[A-Z_]+:-(.*)}$", "$1");
    }

    private static Set<String> scopes(JWTClaimsSet claims) throws Exception {
        String scope = claims.getStringClaim("scope");
        return scope == null ? Set.of() : Set.of(scope.split(" "));
    }

    private record TokenResponse(int status, String body) {

        JsonNode json() throws IOException {
            return Repo.JSON.readTree(body);
        }

        /** The access token, its signature checked against the realm's keys and its issuer and audience checked. */
        JWTClaimsSet accessClaims() throws Exception {
            JWTClaimsSet claims = verifier.process(json().path("access_token").asText(), null);
            assertThat(claims.getIssuer()).isEqualTo(issuer);
            assertThat(claims.getAudience()).as("aud").contains("crm-api");
            assertThat(claims.getExpirationTime()).as("exp").isInTheFuture();
            return claims;
        }
    }

    private static TokenResponse token(Map<String, String> form) throws Exception {
        String body = new LinkedHashMap<>(form)
                .entrySet().stream()
                        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"));
        var response = HTTP.send(
                HttpRequest.newBuilder(URI.create(issuer + "/protocol/openid-connect/token"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new TokenResponse(response.statusCode(), response.body());
    }

    private static boolean answers(String url) {
        try {
            var response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
