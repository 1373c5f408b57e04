package org.opencrm.testkit.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Mints JWTs the platform's resource-server configuration accepts, and deliberately broken ones it must
 * reject.
 *
 * <p>The RSA key pair is generated once per JVM and never written anywhere: no private key is committed.
 * A service test points the platform at the public half with {@link #springProperties()} (the test kit's
 * {@code @UseTestInfrastructure} does that for every context) and sends {@code Authorization: Bearer
 * <token>}:
 *
 * <pre>{@code
 * String token = TestJwts.user("u1").tenant("t1").departments("d1").roles("MANAGER").mint();
 * }</pre>
 */
public final class TestJwts {

    public static final String ISSUER = "https://identity.test.crm";
    public static final String AUDIENCE = "crm-api";
    /** The tenant a token carries unless the test says otherwise. */
    public static final String DEFAULT_TENANT = "t1";
    /** How long a token lives unless the test says otherwise. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(15);

    private TestJwts() {}

    /** Starts a token for the given subject ({@code sub}); finish it with {@link Builder#mint()}. */
    public static Builder user(String userId) {
        return new Builder(userId);
    }

    /** The public key as an X.509 {@code PUBLIC KEY} PEM, the form {@code crm.security.jwt.public-key} takes. */
    public static String publicKeyPem() {
        return Keys.PUBLIC_KEY_PEM;
    }

    /** The public key as a JWK set document, for tests that serve it from a {@code jwk-set-uri}. */
    public static String jwkSetJson() {
        return new JWKSet(Keys.SIGNING.toPublicJWK()).toString();
    }

    /** The {@code kid} every correctly minted token carries: the key's RFC 7638 thumbprint. */
    public static String keyId() {
        return Keys.SIGNING.getKeyID();
    }

    /** The {@code crm.security.jwt.*} properties that make a service accept tokens minted here. */
    public static Map<String, Object> springProperties() {
        return Map.of(
                "crm.security.jwt.issuer", ISSUER,
                "crm.security.jwt.audience", AUDIENCE,
                "crm.security.jwt.public-key", publicKeyPem());
    }

    /** A token under construction. Every setter returns the same builder; nothing is shared between builders. */
    public static final class Builder {

        private final Map<String, Object> claims = new LinkedHashMap<>();
        private final Set<String> removed = new HashSet<>();
        private Duration expiresIn = DEFAULT_LIFETIME;
        private Instant issuedAt;
        private String keyId = Keys.SIGNING.getKeyID();

        private Builder(String userId) {
            Objects.requireNonNull(userId, "userId");
            claims.put("iss", ISSUER);
            claims.put("aud", List.of(AUDIENCE));
            claims.put("sub", userId);
            claims.put("tenant", DEFAULT_TENANT);
            claims.put("departments", List.of());
            claims.put("roles", List.of());
        }

        public Builder tenant(String tenantId) {
            return claim("tenant", tenantId);
        }

        public Builder departments(String... departmentIds) {
            return claim("departments", List.of(departmentIds));
        }

        /** Role names as the identity provider writes them: ADMIN, HEAD, MANAGER, OPERATOR, ANALYST, INTEGRATION. */
        public Builder roles(String... roles) {
            return claim("roles", List.of(roles));
        }

        public Builder issuer(String issuer) {
            return claim("iss", issuer);
        }

        public Builder audience(String... audiences) {
            return claim("aud", List.of(audiences));
        }

        /** Lifetime from the issue time; a negative duration makes a token that expired that long ago. */
        public Builder expiresIn(Duration lifetime) {
            this.expiresIn = Objects.requireNonNull(lifetime, "lifetime");
            return this;
        }

        /** Issue time; defaults to the moment {@code mint} is called. */
        public Builder issuedAt(Instant instant) {
            this.issuedAt = instant;
            return this;
        }

        /** Sets any claim; {@code null} removes it (e.g. {@code claim("tenant", null)}). */
        public Builder claim(String name, Object value) {
            if (value == null) {
                return without(name);
            }
            claims.put(name, value);
            removed.remove(name);
            return this;
        }

        /** Leaves out a claim the builder sets by default: {@code tenant}, {@code sub}, {@code exp}, {@code iat}, ... */
        public Builder without(String claimName) {
            claims.remove(claimName);
            removed.add(claimName);
            return this;
        }

        /** Expired an hour ago: well beyond any clock skew a validator allows. */
        public Builder expired() {
            return issuedAt(Instant.now().minus(Duration.ofHours(2))).expiresIn(Duration.ofHours(1));
        }

        public Builder wrongIssuer() {
            return issuer("https://attacker.example");
        }

        public Builder wrongAudience() {
            return audience("some-other-api");
        }

        /** Signed by the right key but naming a {@code kid} the service does not know. */
        public Builder unknownKeyId() {
            this.keyId = "unknown-" + UUID.randomUUID();
            return this;
        }

        /** The serialized token, RS256-signed with the test key. */
        public String mint() {
            return sign(Keys.SIGNING, keyId);
        }

        /** Correct claims, RS256-signed by a key the service has never seen (the {@code kid} matches). */
        public String mintSignedByAnotherKey() {
            return sign(OtherKey.KEY, keyId);
        }

        /** Correct claims with {@code alg=none} and no signature. */
        public String mintUnsigned() {
            return new PlainJWT(claimsSet()).serialize();
        }

        /**
         * Correct claims, HS256-signed with the public key PEM as the HMAC secret: the classic algorithm
         * confusion attack against verifiers that let the token choose the algorithm.
         */
        public String mintHs256WithPublicKey() {
            try {
                var jwt = new SignedJWT(
                        new JWSHeader.Builder(JWSAlgorithm.HS256)
                                .type(JOSEObjectType.JWT)
                                .keyID(keyId)
                                .build(),
                        claimsSet());
                jwt.sign(new MACSigner(publicKeyPem().getBytes(StandardCharsets.US_ASCII)));
                return jwt.serialize();
            } catch (JOSEException e) {
                throw new IllegalStateException("Cannot HMAC-sign a test token", e);
            }
        }

        private String sign(RSAKey key, String kid) {
            try {
                var jwt = new SignedJWT(
                        new JWSHeader.Builder(JWSAlgorithm.RS256)
                                .type(JOSEObjectType.JWT)
                                .keyID(kid)
                                .build(),
                        claimsSet());
                jwt.sign(new RSASSASigner(key));
                return jwt.serialize();
            } catch (JOSEException e) {
                throw new IllegalStateException("Cannot sign a test token", e);
            }
        }

        private JWTClaimsSet claimsSet() {
            Instant iat = issuedAt != null ? issuedAt : Instant.now();
            var builder = new JWTClaimsSet.Builder()
                    .jwtID(UUID.randomUUID().toString())
                    .issueTime(Date.from(iat))
                    .expirationTime(Date.from(iat.plus(expiresIn)));
            claims.forEach((name, value) -> builder.claim(name, jsonValue(value)));
            removed.forEach(name -> builder.claim(name, null));
            return builder.build();
        }

        // Nimbus serializes lists, not arrays or sets, as JSON arrays.
        private static Object jsonValue(Object value) {
            if (value instanceof Object[] array) {
                return List.of(array);
            }
            if (value instanceof Iterable<?> iterable && !(value instanceof List<?>)) {
                var list = new ArrayList<>();
                iterable.forEach(list::add);
                return list;
            }
            return value;
        }
    }

    /** Generated lazily, once per JVM: a test that mints no token pays nothing. */
    private static final class Keys {
        static final RSAKey SIGNING = generate();
        static final String PUBLIC_KEY_PEM = pem(SIGNING);

        private static RSAKey generate() {
            try {
                return new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
            } catch (JOSEException e) {
                throw new IllegalStateException("Cannot generate the test RSA key pair", e);
            }
        }

        private static String pem(RSAKey key) {
            try {
                byte[] der = key.toRSAPublicKey().getEncoded();
                String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der);
                return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
            } catch (JOSEException e) {
                throw new IllegalStateException("Cannot encode the test public key", e);
            }
        }
    }

    /** A stranger's key carrying the same kid; generated only by tests that mint with it. */
    private static final class OtherKey {
        static final RSAKey KEY = generate();

        private static RSAKey generate() {
            try {
                return new RSAKeyGenerator(2048).keyID(Keys.SIGNING.getKeyID()).generate();
            } catch (JOSEException e) {
                throw new IllegalStateException("Cannot generate the second test RSA key pair", e);
            }
        }
    }
}
