package org.opencrm.platform.security;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a service validates bearer tokens ({@code crm.security.jwt.*}). Exactly one key source must be set.
 *
 * @param issuer the expected {@code iss}, e.g. the Keycloak realm URL
 * @param audience the audience a token must name in {@code aud}
 * @param jwkSetUri where the issuer publishes its signing keys (production: Keycloak or the identity app)
 * @param publicKey a PEM ({@code -----BEGIN PUBLIC KEY-----}) RSA public key (local run and tests)
 * @param clockSkew how far {@code exp} and {@code nbf} may be off, for clocks that drift between hosts
 */
@ConfigurationProperties("crm.security.jwt")
record JwtProperties(
        String issuer,
        String audience,
        URI jwkSetUri,
        String publicKey,
        @DefaultValue("30s") Duration clockSkew) {

    boolean hasJwkSetUri() {
        return jwkSetUri != null && !jwkSetUri.toString().isBlank();
    }

    boolean hasPublicKey() {
        return publicKey != null && !publicKey.isBlank();
    }
}
