package org.opencrm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.opencrm.testkit.jwt.TestJwts;

/**
 * The web console's login through the gateway (docs/console.md): authorization code with PKCE at the identity
 * provider, the tokens kept by the gateway, only an HttpOnly session cookie in the browser, the access token
 * relayed to the services, CSRF protection for the cookie, logout.
 */
class ConsoleLoginTest extends GatewayTestSupport {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /** A browser's cookie jar and requests, by hand, so the test sees every redirect and cookie attribute. */
    final class Browser {
        final Map<String, String> cookies = new LinkedHashMap<>();
        final Map<String, String> setCookieLines = new LinkedHashMap<>();

        HttpResponse<String> get(String pathOrUri) {
            return send(HttpRequest.newBuilder(uri(pathOrUri)).GET(), Map.of());
        }

        HttpResponse<String> post(String path, Map<String, String> headers) {
            return send(
                    HttpRequest.newBuilder(uri(path))
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .header("Content-Type", "application/json"),
                    headers);
        }

        private URI uri(String pathOrUri) {
            return pathOrUri.startsWith("http")
                    ? URI.create(pathOrUri)
                    : URI.create("http://127.0.0.1:" + port + pathOrUri);
        }

        private HttpResponse<String> send(HttpRequest.Builder builder, Map<String, String> headers) {
            if (!cookies.isEmpty()) {
                builder.header(
                        "Cookie",
                        String.join(
                                "; ",
                                cookies.entrySet().stream()
                                        .map(c -> c.getKey() + "=" + c.getValue())
                                        .toList()));
            }
            headers.forEach(builder::header);
            try {
                var response = HTTP.send(
                        builder.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
                for (String line : response.headers().allValues("Set-Cookie")) {
                    String pair = line.split(";", 2)[0];
                    String name = pair.substring(0, pair.indexOf('='));
                    String value = pair.substring(pair.indexOf('=') + 1);
                    setCookieLines.put(name, line);
                    if (value.isEmpty() || line.contains("Max-Age=0")) {
                        cookies.remove(name);
                    } else {
                        cookies.put(name, value);
                    }
                }
                return response;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** The whole login as a browser does it, with the identity provider's login form played by the test. */
        void logIn(String user, String role, String accessToken) {
            var start = get("/oauth2/authorization/crm");
            assertThat(start.statusCode()).isEqualTo(302);
            var authorize = query(start.headers().firstValue("Location").orElseThrow());
            String code = IDENTITY.issueCode(
                    user, role, authorize.get("nonce"), authorize.get("code_challenge"), accessToken);
            var callback = get("/login/oauth2/code/crm?code=" + code + "&state=" + authorize.get("state"));
            assertThat(callback.statusCode()).isEqualTo(302);
            assertThat(callback.headers().firstValue("Location"))
                    .hasValueSatisfying(l -> assertThat(l).endsWith("/"));
        }
    }

    @Test
    void theConsolePageSendsAStrangerToTheIdentityProviderWithPkce() {
        var browser = new Browser();

        var page = browser.get("/");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/oauth2/authorization/crm"));

        var start = browser.get("/oauth2/authorization/crm");
        assertThat(start.statusCode()).isEqualTo(302);
        String location = start.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(IDENTITY.uri() + "/oauth2/authorize?");
        var authorize = query(location);
        assertThat(authorize)
                .containsEntry("response_type", "code")
                .containsEntry("client_id", "crm-console")
                .containsEntry("code_challenge_method", "S256")
                .containsKeys("state", "nonce", "code_challenge");
        assertThat(authorize.get("redirect_uri")).endsWith("/login/oauth2/code/crm");
        assertThat(authorize.get("scope")).contains("openid");
        // the page's own script and styles need no session
        assertThat(browser.get("/console/app.js").statusCode()).isEqualTo(200);
    }

    @Test
    void afterLoginTheBrowserHoldsOnlyAnHttpOnlySessionCookieAndTheGatewayRelaysTheAccessToken() {
        var browser = new Browser();
        String accessToken = TestJwts.user("console-manager")
                .tenant("t-console")
                .roles("MANAGER")
                .mint();

        browser.logIn("console-manager", "MANAGER", accessToken);

        assertThat(browser.setCookieLines.get("SESSION"))
                .containsIgnoringCase("HttpOnly")
                .contains("SameSite=Lax")
                .doesNotContain(accessToken);
        var page = browser.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script type=\"module\" src=\"/console/app.js\"></script>");
        var me = StandInService.parse(browser.get("/session").body());
        assertThat(me)
                .containsEntry("user", "console-manager")
                .containsEntry("name", "Console console-manager")
                .containsEntry("tenant", "t-console")
                .containsEntry("roles", List.of("MANAGER"));
        assertThat(me.toString()).doesNotContain(accessToken);

        var contact = browser.get("/api/contacts/c1");
        assertThat(contact.statusCode()).isEqualTo(200);
        assertThat(StandInService.parse(contact.body()))
                .containsEntry("service", "contacts")
                .extractingByKey("headers")
                .asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("Authorization", "Bearer " + accessToken);
        // the role gates apply to the session too: analytics is not for operators, but for managers
        assertThat(browser.get("/api/analytics/funnel").statusCode()).isEqualTo(200);
    }

    @Test
    void aStateChangingCallWithTheSessionCookieNeedsTheCsrfTokenFromItsCookie() {
        var browser = new Browser();
        browser.logIn(
                "console-csrf",
                "MANAGER",
                TestJwts.user("console-csrf")
                        .tenant("t-console")
                        .roles("MANAGER")
                        .mint());
        browser.get("/session");
        String csrf = browser.cookies.get("XSRF-TOKEN");
        assertThat(csrf).isNotBlank();
        // readable by the page's script (it echoes it), but only sent to this site
        assertThat(browser.setCookieLines.get("XSRF-TOKEN"))
                .doesNotContainIgnoringCase("HttpOnly")
                .contains("SameSite=Strict");

        var forged = browser.post("/api/contacts", Map.of());
        assertThat(forged.statusCode()).isEqualTo(403);
        var wrong = browser.post("/api/contacts", Map.of("X-XSRF-TOKEN", "not-" + csrf));
        assertThat(wrong.statusCode()).isEqualTo(403);

        var real = browser.post("/api/contacts", Map.of("X-XSRF-TOKEN", csrf));
        assertThat(real.statusCode()).isEqualTo(200);
        assertThat(StandInService.parse(real.body())).containsEntry("method", "POST");
    }

    @Test
    void anOperatorsSessionMeetsTheSameRoleGatesAsTheirToken() {
        var browser = new Browser();
        browser.logIn(
                "console-operator",
                "OPERATOR",
                TestJwts.user("console-operator")
                        .tenant("t-console")
                        .roles("OPERATOR")
                        .mint());

        assertThat(browser.get("/api/analytics/funnel").statusCode()).isEqualTo(403);
        assertThat(browser.get("/api/contacts/c1").statusCode()).isEqualTo(200);
    }

    @Test
    void logoutEndsTheSessionAndPointsTheBrowserAtTheProvidersLogout() {
        var browser = new Browser();
        browser.logIn(
                "console-leaving",
                "MANAGER",
                TestJwts.user("console-leaving")
                        .tenant("t-console")
                        .roles("MANAGER")
                        .mint());
        browser.get("/session");
        String session = browser.cookies.get("SESSION");

        var logout = browser.post("/logout", Map.of("X-XSRF-TOKEN", browser.cookies.get("XSRF-TOKEN")));

        assertThat(logout.statusCode()).isEqualTo(200);
        assertThat(logout.body()).contains(IDENTITY.uri() + "/connect/logout?id_token_hint=");
        assertThat(logout.body()).contains("post_logout_redirect_uri=http://127.0.0.1:" + port + "/");
        var stale = new Browser();
        stale.cookies.put("SESSION", session);
        assertThat(stale.get("/api/contacts/c1").statusCode()).isEqualTo(401);
        assertThat(stale.get("/session").statusCode()).isEqualTo(401);
    }

    @Test
    void anApiCallWithABearerTokenIsUnaffectedByASessionCookie() {
        String token = manager("console-api-client", "t-console-api");
        var response = send(
                "/api/contacts/c2",
                request -> request.header("Authorization", "Bearer " + token).header("Cookie", "SESSION=whatever"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(StandInService.parse(response.body()))
                .extractingByKey("headers")
                .asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("Authorization", "Bearer " + token);
        // and a POST with a token needs no CSRF token: no cookie authenticates it
        var post = send(
                "/api/contacts",
                request -> request.header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(post.statusCode()).isEqualTo(200);
    }

    static Map<String, String> query(String uri) {
        var values = new LinkedHashMap<String, String>();
        String query = URI.create(uri).getRawQuery();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            values.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }
}
