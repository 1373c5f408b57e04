package org.opencrm.gateway.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
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
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Flux;

/**
 * The reactive twin of the services' decoder (platform: PlatformJwtDecoders): RS256 only, issuer, audience,
 * expiry required, {@code sub} and {@code tenant} required, and a token naming an unknown {@code kid} refused.
 */
final class GatewayJwtDecoders {

    static final String TENANT_CLAIM = "tenant";

    private GatewayJwtDecoders() {}

    static ReactiveJwtDecoder create(JwtProperties properties) {
        requireConfigured(properties);
        NimbusReactiveJwtDecoder decoder;
        if (properties.hasJwkSetUri()) {
            // Pinned to RS256: a token naming another algorithm (none, HS256 keyed with the public key) fails;
            // an unknown kid makes the decoder refetch the key set once, then fail.
            decoder = NimbusReactiveJwtDecoder.withJwkSetUri(
                            properties.jwkSetUri().toString())
                    .jwsAlgorithm(SignatureAlgorithm.RS256)
                    .build();
        } else {
            // The PEM key becomes a one-key set whose kid is its RFC 7638 thumbprint, as in the services:
            // a token naming another kid finds no key.
            List<JWK> keys = List.of(jwk(properties.publicKey()));
            decoder = NimbusReactiveJwtDecoder.withJwkSource(jwt -> Flux.fromIterable(keys))
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
                new JwtClaimValidator<Object>(JwtClaimNames.SUB, GatewayJwtDecoders::nonBlankString),
                new JwtClaimValidator<Object>(TENANT_CLAIM, GatewayJwtDecoders::nonBlankString)));
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
                    + "; set exactly one (CRM_JWT_JWK_SET_URI or CRM_JWT_PUBLIC_KEY).");
        }
        if (properties.issuer() == null || properties.issuer().isBlank()) {
            throw new IllegalStateException("crm.security.jwt.issuer is not set (CRM_JWT_ISSUER).");
        }
        if (properties.audience() == null || properties.audience().isBlank()) {
            throw new IllegalStateException("crm.security.jwt.audience is not set (CRM_JWT_AUDIENCE).");
        }
    }

    static RSAKey jwk(String pem) {
        try {
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
