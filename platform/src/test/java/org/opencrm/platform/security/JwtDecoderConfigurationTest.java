package org.opencrm.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.opencrm.testkit.jwt.TestJwts;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

class JwtDecoderConfigurationTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    JacksonAutoConfiguration.class,
                    HttpMessageConvertersAutoConfiguration.class,
                    DispatcherServletAutoConfiguration.class,
                    WebMvcAutoConfiguration.class,
                    SecurityAutoConfiguration.class,
                    ServletWebSecurityAutoConfiguration.class,
                    PlatformSecurityAutoConfiguration.class));

    @Test
    void aServiceWithoutAKeySourceFailsAtStartupSayingWhatToSet() {
        runner.withPropertyValues("crm.security.jwt.issuer=" + TestJwts.ISSUER, "crm.security.jwt.audience=crm-api")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(platformFailure(context.getStartupFailure()))
                            .hasMessageContaining("crm.security.jwt: neither jwk-set-uri nor public-key is set");
                });
    }

    @Test
    void aServiceWithBothKeySourcesFailsAtStartup() {
        runner.withPropertyValues(
                        "crm.security.jwt.issuer=" + TestJwts.ISSUER,
                        "crm.security.jwt.audience=crm-api",
                        "crm.security.jwt.jwk-set-uri=https://identity.test.crm/jwks",
                        "crm.security.jwt.public-key=" + TestJwts.publicKeyPem())
                .run(context -> assertThat(platformFailure(context.getStartupFailure()))
                        .hasMessageContaining("crm.security.jwt: both jwk-set-uri and public-key are set"));
    }

    @Test
    void aServiceWithoutAnIssuerFailsAtStartup() {
        runner.withPropertyValues(
                        "crm.security.jwt.audience=crm-api", "crm.security.jwt.public-key=" + TestJwts.publicKeyPem())
                .run(context -> assertThat(platformFailure(context.getStartupFailure()))
                        .hasMessageContaining("crm.security.jwt.issuer is not set"));
    }

    @Test
    void aPublicKeyThatIsNotPemFailsAtStartup() {
        runner.withPropertyValues(
                        "crm.security.jwt.issuer=" + TestJwts.ISSUER,
                        "crm.security.jwt.audience=crm-api",
                        "crm.security.jwt.public-key=not a key")
                .run(context -> assertThat(platformFailure(context.getStartupFailure()))
                        .hasMessageContaining("crm.security.jwt.public-key is not a PEM RSA public key"));
    }

    @Test
    void aPemSqueezedIntoOneLineWithLiteralNewlinesIsAccepted() {
        String oneLine = TestJwts.publicKeyPem().replace("\n", "\\n");
        JwtDecoder decoder = PlatformJwtDecoders.create(properties(null, oneLine));

        assertThat(decoder.decode(TestJwts.user("u1").mint()).getSubject()).isEqualTo("u1");
    }

    @Test
    void theJwkSetUriDecoderChecksSignatureKidAndAlgorithm() throws Exception {
        HttpServer issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer.createContext("/jwks", exchange -> {
            byte[] body = TestJwts.jwkSetJson().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        issuer.start();
        try {
            URI jwks = URI.create("http://127.0.0.1:" + issuer.getAddress().getPort() + "/jwks");
            JwtDecoder decoder = PlatformJwtDecoders.create(properties(jwks, null));

            assertThat(decoder.decode(TestJwts.user("u1").tenant("t9").mint()).getClaimAsString("tenant"))
                    .isEqualTo("t9");
            assertThatThrownBy(() ->
                            decoder.decode(TestJwts.user("u1").unknownKeyId().mint()))
                    .isInstanceOf(JwtException.class);
            assertThatThrownBy(() -> decoder.decode(TestJwts.user("u1").mintSignedByAnotherKey()))
                    .isInstanceOf(JwtException.class);
            assertThatThrownBy(() -> decoder.decode(TestJwts.user("u1").mintHs256WithPublicKey()))
                    .isInstanceOf(JwtException.class);
            assertThatThrownBy(() -> decoder.decode(TestJwts.user("u1").mintUnsigned()))
                    .isInstanceOf(JwtException.class);
            assertThatThrownBy(() ->
                            decoder.decode(TestJwts.user("u1").wrongAudience().mint()))
                    .isInstanceOf(JwtException.class);
        } finally {
            issuer.stop(0);
        }
    }

    private static JwtProperties properties(URI jwkSetUri, String publicKey) {
        return new JwtProperties(TestJwts.ISSUER, TestJwts.AUDIENCE, jwkSetUri, publicKey, Duration.ofSeconds(30));
    }

    /** The platform's own explanation inside the bean-creation exceptions Spring wraps it in. */
    private static Throwable platformFailure(Throwable failure) {
        assertThat(failure).as("the context should have failed to start").isNotNull();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IllegalStateException && cause.getMessage().contains("crm.security.jwt")) {
                return cause;
            }
        }
        throw new AssertionError("no crm.security.jwt explanation in the startup failure", failure);
    }
}
