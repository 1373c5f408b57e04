package org.opencrm.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class IdentityTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String REDIRECT = "http://127.0.0.1:3000/callback";
    private static final Path KEY_FILE = writeKey();
    private static final RSAPublicKey PUBLIC_KEY = publicKey();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void identity(DynamicPropertyRegistry registry) {
        registry.add("crm.identity.signing-key", KEY_FILE::toString);
        registry.add("crm.identity.dev-tokens", () -> "true");
        registry.add("crm.identity.issuer", () -> "http://127.0.0.1:9000");
    }

    @Test
    void publishesOidcDiscoveryAndTheKeyItSignsWithUnderItsThumbprint() throws Exception {
        JsonNode discovery =
                JSON.readTree(get("/.well-known/openid-configuration").body());
        JWKSet keys = JWKSet.parse(get("/oauth2/jwks").body());

        assertThat(discovery.path("issuer").asString()).isEqualTo("http://127.0.0.1:9000");
        assertThat(discovery.path("jwks_uri").asString()).isEqualTo("http://127.0.0.1:9000/oauth2/jwks");
        assertThat(discovery.path("code_challenge_methods_supported").toString())
                .contains("S256");
        assertThat(discovery.path("grant_types_supported").toString())
                .contains("authorization_code")
                .contains("client_credentials");
        RSAKey key = keys.getKeys().get(0).toRSAKey();
        assertThat(key.toRSAPublicKey().getModulus()).isEqualTo(PUBLIC_KEY.getModulus());
        assertThat(key.getKeyID()).isEqualTo(key.computeThumbprint().toString());
    }

    @Test
    void anIntegrationGetsATenantTokenWithClientCredentials() throws Exception {
        var response = post(
                "/oauth2/token",
                Map.of("grant_type", "client_credentials", "scope", "crm"),
                "Basic " + base64("crm-integration:integration-secret"));

        assertThat(response.statusCode()).isEqualTo(200);
        var claims =
                verified(JSON.readTree(response.body()).path("access_token").asString());
        assertThat(claims.getSubject()).isEqualTo("crm-integration");
        assertThat(claims.getAudience()).contains("crm-api");
        assertThat(claims.getStringClaim("tenant")).isEqualTo("demo");
        assertThat(claims.getStringListClaim("roles")).containsExactly("INTEGRATION");
        assertThat(claims.getIssuer()).isEqualTo("http://127.0.0.1:9000");
    }

    @Test
    void notificationsServiceGetsATokenWithOnlyTheBirthdaysScope() throws Exception {
        var response = post(
                "/oauth2/token",
                Map.of("grant_type", "client_credentials", "scope", "contacts.birthdays"),
                "Basic " + base64("crm-notifications:notifications-secret"));

        assertThat(response.statusCode()).isEqualTo(200);
        var claims =
                verified(JSON.readTree(response.body()).path("access_token").asString());
        assertThat(claims.getSubject()).isEqualTo("crm-notifications");
        assertThat(claims.getAudience()).contains("crm-api");
        assertThat(claims.getStringListClaim("scope")).containsExactly("contacts.birthdays");
        // no tenant and no roles: the platform refuses it on every /api path
        assertThat(claims.getClaim("tenant")).isNull();
        assertThat(claims.getClaim("roles")).isNull();
        // and it cannot ask for more than it was given
        assertThat(post(
                                "/oauth2/token",
                                Map.of("grant_type", "client_credentials", "scope", "crm"),
                                "Basic " + base64("crm-notifications:notifications-secret"))
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void aBrowserSignsInWithAuthorizationCodeAndPkce() throws Exception {
        var browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String verifier = "verifier-" + "x".repeat(50);
        String challenge = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String authorize = "/oauth2/authorize?"
                + form(Map.of(
                        "response_type", "code",
                        "client_id", "crm-console",
                        "redirect_uri", REDIRECT,
                        "scope", "openid profile",
                        "state", "s1",
                        "code_challenge", challenge,
                        "code_challenge_method", "S256"));

        var toLogin = send(
                browser,
                HttpRequest.newBuilder(url(authorize))
                        .header("Accept", "text/html")
                        .build());
        assertThat(toLogin.statusCode()).isEqualTo(302);
        var loginPage = send(browser, HttpRequest.newBuilder(url("/login")).build());
        var csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(loginPage.body());
        assertThat(csrf.find()).isTrue();
        var loggedIn = send(
                browser,
                HttpRequest.newBuilder(url("/login"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                form(Map.of("username", "manager-1", "password", "demo", "_csrf", csrf.group(1)))))
                        .build());
        assertThat(loggedIn.statusCode()).isEqualTo(302);
        var authorized = send(
                browser,
                HttpRequest.newBuilder(URI.create(
                                loggedIn.headers().firstValue("Location").orElseThrow()))
                        .header("Accept", "text/html")
                        .build());
        String callback = authorized.headers().firstValue("Location").orElseThrow();
        assertThat(callback).startsWith(REDIRECT + "?code=");
        String code = urlDecode(callback.replaceAll(".*[?&]code=([^&]+).*", "$1"));

        var tokens = post(
                "/oauth2/token",
                Map.of(
                        "grant_type", "authorization_code",
                        "code", code,
                        "redirect_uri", REDIRECT,
                        "client_id", "crm-console",
                        "code_verifier", verifier),
                null);

        assertThat(tokens.statusCode()).isEqualTo(200);
        var claims = verified(JSON.readTree(tokens.body()).path("access_token").asString());
        assertThat(claims.getSubject()).isEqualTo("manager-1");
        assertThat(claims.getStringClaim("tenant")).isEqualTo("demo");
        assertThat(claims.getStringListClaim("departments")).containsExactly("sales");
        assertThat(claims.getStringListClaim("roles")).containsExactly("MANAGER");
        assertThat(claims.getAudience()).contains("crm-api");
    }

    @Test
    void theConsoleCannotSkipPkce() throws Exception {
        var browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String authorize = "/oauth2/authorize?"
                + form(Map.of(
                        "response_type",
                        "code",
                        "client_id",
                        "crm-console",
                        "redirect_uri",
                        REDIRECT,
                        "scope",
                        "openid"));

        var response = send(browser, HttpRequest.newBuilder(url(authorize)).build());

        assertThat(response.statusCode()).isIn(302, 400);
        if (response.statusCode() == 302) {
            assertThat(response.headers().firstValue("Location").orElseThrow()).contains("error=invalid_request");
        }
    }

    @Test
    void theDevEndpointGivesADemoUsersTokenForItsPassword() throws Exception {
        var ok = post("/dev/token", Map.of("username", "head-of-sales", "password", "demo"), null);
        var wrong = post("/dev/token", Map.of("username", "head-of-sales", "password", "nope"), null);
        var unknown = post("/dev/token", Map.of("username", "nobody", "password", "demo"), null);

        assertThat(ok.statusCode()).isEqualTo(200);
        var claims = verified(JSON.readTree(ok.body()).path("access_token").asString());
        assertThat(claims.getSubject()).isEqualTo("head-of-sales");
        assertThat(claims.getStringListClaim("roles")).containsExactly("HEAD");
        assertThat(claims.getStringListClaim("departments")).containsExactly("sales");
        assertThat(claims.getStringClaim("tenant")).isEqualTo("demo");
        assertThat(claims.getExpirationTime()).isNotNull();
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(unknown.statusCode()).isEqualTo(401);
    }

    private com.nimbusds.jwt.JWTClaimsSet verified(String token) throws Exception {
        var jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
        assertThat(jwt.verify(new RSASSAVerifier(PUBLIC_KEY))).isTrue();
        return jwt.getJWTClaimsSet();
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> get(String path) {
        return send(
                HttpClient.newHttpClient(), HttpRequest.newBuilder(url(path)).build());
    }

    private HttpResponse<String> post(String path, Map<String, String> fields, String authorization) {
        var request = HttpRequest.newBuilder(url(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields)));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(HttpClient.newHttpClient(), request.build());
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String urlDecode(String value) {
        return java.net.URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static java.security.KeyPair keyPair;

    /** The form `openssl genpkey` writes: PEM PKCS#8, as the local run's key. */
    private static Path writeKey() {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keyPair = generator.generateKeyPair();
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(keyPair.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            Path file = Files.createTempFile("identity-test-key", ".pem");
            Files.writeString(file, pem);
            file.toFile().deleteOnExit();
            return file;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAPublicKey publicKey() {
        return (RSAPublicKey) keyPair.getPublic();
    }
}
