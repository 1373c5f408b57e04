package org.opencrm.platform.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/** Builds the one {@link JwtDecoder} every service uses, from {@link JwtProperties}. */
final class PlatformJwtDecoders {

    private PlatformJwtDecoders() {}

    static JwtDecoder create(JwtProperties properties) {
        requireConfigured(properties);
        NimbusJwtDecoder decoder;
        if (properties.hasJwkSetUri()) {
            // Pinned to RS256: a token naming another algorithm (none, HS256 keyed with the public key) fails.
            decoder = NimbusJwtDecoder.withJwkSetUri(properties.jwkSetUri().toString())
                    .jwsAlgorithm(SignatureAlgorithm.RS256)
                    .build();
        } else {
            // The PEM key becomes a one-key JWK set whose kid is its RFC 7638 thumbprint, so a token
            // naming another kid fails here exactly as it would against the issuer's JWK set.
            decoder = NimbusJwtDecoder.withJwkSource(new ImmutableJWKSet<>(new JWKSet(jwk(properties.publicKey()))))
                    .jwsAlgorithm(SignatureAlgorithm.RS256)
                    .build();
        }
        decoder.setJwtValidator(validator(properties));
        return decoder;
    }

    static OAuth2TokenValidator<Jwt> validator(JwtProperties properties) {
        var timestamps = new JwtTimestampValidator(properties.clockSkew());
        timestamps.setAllowEmptyExpiryClaim(false);
        return new DelegatingOAuth2TokenValidator<>(List.of(
                timestamps,
                new JwtIssuerValidator(properties.issuer()),
                new JwtClaimValidator<Object>(
                        JwtClaimNames.AUD,
                        aud -> aud instanceof Collection<?> audiences
                                ? audiences.contains(properties.audience())
                                : properties.audience().equals(aud)),
                new JwtClaimValidator<Object>(CurrentUser.SUBJECT_CLAIM, PlatformJwtDecoders::nonBlankString),
                // Every record belongs to a tenant and the tenant comes only from the token.
                new JwtClaimValidator<Object>(CurrentUser.TENANT_CLAIM, PlatformJwtDecoders::nonBlankString)));
    }

    private static boolean nonBlankString(Object value) {
        return value instanceof String s && !s.isBlank();
    }

    private static void requireConfigured(JwtProperties properties) {
        if (properties.hasJwkSetUri() == properties.hasPublicKey()) {
            throw new IllegalStateException("crm.security.jwt: "
                    + (properties.hasJwkSetUri()
                            ? "both jwk-set-uri and public-key are set"
                            : "neither jwk-set-uri nor public-key is set")
                    + "; set exactly one. Production uses jwk-set-uri (the identity provider's JWK set URL);"
                    + " the local run and tests use public-key (a PEM RSA public key).");
        }
        if (properties.issuer() == null || properties.issuer().isBlank()) {
            throw new IllegalStateException(
                    "crm.security.jwt.issuer is not set: every token's iss claim is checked against it.");
        }
        if (properties.audience() == null || properties.audience().isBlank()) {
            throw new IllegalStateException(
                    "crm.security.jwt.audience is not set: every token's aud claim must contain it.");
        }
    }

    static RSAKey jwk(String pem) {
        try {
            // Tolerates a PEM squeezed into one environment-variable line, with or without literal "\n".
            String base64 = pem.replace("\\n", "\n")
                    .replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "")
                    .replaceAll("\\s", "");
            var key = (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
            return new RSAKey.Builder(key).keyIDFromThumbprint().build();
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException | JOSEException e) {
            throw new IllegalStateException(
                    "crm.security.jwt.public-key is not a PEM RSA public key (-----BEGIN PUBLIC KEY----- ...)", e);
        }
    }
}
