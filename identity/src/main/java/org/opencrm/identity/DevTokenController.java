package org.opencrm.identity;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /dev/token} (username and password as form fields): a demo user's access token, with exactly
 * the claims the authorization-code flow gives them, for curl and scripts ({@code deploy/local/token}).
 * Exists only with {@code crm.identity.dev-tokens=true}, which only the local run sets: it is a password grant
 * in all but name, and OAuth 2.1 dropped that for good reasons.
 */
@RestController
@ConditionalOnProperty(name = "crm.identity.dev-tokens", havingValue = "true")
class DevTokenController {

    static final String PATH = "/dev/token";

    private final IdentityProperties properties;
    private final CrmClaims claims;
    private final UserDetailsService users;
    private final PasswordEncoder passwords;
    private final NimbusJwtEncoder encoder;

    DevTokenController(
            IdentityProperties properties,
            CrmClaims claims,
            UserDetailsService users,
            PasswordEncoder passwords,
            JWKSource<SecurityContext> keys) {
        this.properties = properties;
        this.claims = claims;
        this.users = users;
        this.passwords = passwords;
        this.encoder = new NimbusJwtEncoder(keys);
    }

    @PostMapping(path = PATH, consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<?> token(@RequestParam String username, @RequestParam String password) {
        var user = claims.user(username).filter(known -> matches(username, password));
        if (user.isEmpty()) {
            var problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, "Unknown user or wrong password.");
            problem.setType(java.net.URI.create("https://opencrm.org/problems/unauthorized"));
            problem.setTitle("Authentication required");
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(problem);
        }
        Instant now = Instant.now();
        var claimsSet = JwtClaimsSet.builder()
                .issuer(properties.issuer())
                .subject(username)
                .audience(claims.audience())
                .issuedAt(now)
                .notBefore(now)
                .expiresAt(now.plus(properties.tokenLifetime()))
                .id(UUID.randomUUID().toString())
                .claims(values -> values.putAll(claims.forUser(user.get())))
                .build();
        String token = encoder.encode(JwtEncoderParameters.from(
                        JwsHeader.with(SignatureAlgorithm.RS256).type("JWT").build(), claimsSet))
                .getTokenValue();
        return ResponseEntity.ok(Map.of(
                "access_token",
                token,
                "token_type",
                "Bearer",
                "expires_in",
                properties.tokenLifetime().toSeconds()));
    }

    private boolean matches(String username, String password) {
        try {
            return passwords.matches(
                    password, users.loadUserByUsername(username).getPassword());
        } catch (UsernameNotFoundException e) {
            return false;
        }
    }
}
