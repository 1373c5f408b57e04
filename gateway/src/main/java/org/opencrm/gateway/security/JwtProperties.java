package org.opencrm.gateway.security;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the gateway validates bearer tokens: the services' property names ({@code crm.security.jwt.*},
 * docs/security.md), so one set of environment variables configures both. Exactly one key source is set.
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
