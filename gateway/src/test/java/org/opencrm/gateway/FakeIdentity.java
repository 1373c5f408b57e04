package org.opencrm.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.opencrm.testkit.jwt.TestJwts;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stand-in identity provider for the console's login: the test plays the browser's part at the authorize
 * endpoint ({@link #issueCode}); the token endpoint exchanges that code only with the PKCE verifier matching
 * the challenge the gateway sent, and answers with test-kit tokens (ID token with the request's nonce).
 */
final class FakeIdentity {

    static final String CLIENT_ID = "crm-console";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private record Grant(String user, String roles, String nonce, String codeChallenge, String accessToken) {}

    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final HttpServer server;

    FakeIdentity() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 20);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/oauth2/token", this::token);
        server.createContext("/oauth2/jwks", exchange -> answer(exchange, 200, TestJwts.jwkSetJson()));
        server.start();
    }

    String uri() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** What the login form would do for this user: a code for the authorization request's nonce and challenge. */
    String issueCode(String user, String role, String nonce, String codeChallenge, String accessToken) {
        String code = "code-" + codes.size() + "-" + System.nanoTime();
        codes.put(code, new Grant(user, role, nonce, codeChallenge, accessToken));
        return code;
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        Grant grant = codes.remove(form.getOrDefault("code", ""));
        String verifier = form.get("code_verifier");
        if (grant == null
                || !"authorization_code".equals(form.get("grant_type"))
                || !CLIENT_ID.equals(form.get("client_id"))
                || verifier == null
                || !s256(verifier).equals(grant.codeChallenge())) {
            answer(exchange, 400, "{\"error\":\"invalid_grant\"}");
            return;
        }
        String idToken = TestJwts.user(grant.user())
                .tenant("t-console")
                .roles(grant.roles())
                .departments("sales")
                .audience(CLIENT_ID)
                .claim("nonce", grant.nonce())
                .claim("name", "Console " + grant.user())
                .mint();
        answer(
                exchange,
                200,
                JSON.writeValueAsString(Map.of(
                        "access_token",
                        grant.accessToken(),
                        "token_type",
                        "Bearer",
                        "expires_in",
                        900,
                        "scope",
                        "openid profile",
                        "id_token",
                        idToken)));
    }

    static String s256(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }
}
