package org.opencrm.contacts.birthday;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Service-to-service calls under {@code /internal/**}. A scheduled job in another service has no user, so
 * its token (OAuth2 client credentials from the identity provider) carries no user claims and often no
 * tenant: the platform's chain, which requires both, cannot serve it. This chain, in front of the
 * platform's, accepts a token of the same issuer, audience and signing keys that carries the scope
 * {@value #BIRTHDAYS_SCOPE}, which only notifications-service's client is granted; user tokens lack it and
 * get 403. The tenant is a request parameter, checked against the token's {@code tenant} claim when the
 * token has one. Nothing under {@code /internal} is routed by the gateway.
 */
@Configuration(proxyBeanMethods = false)
class ServiceCallSecurity {

    static final String BIRTHDAYS_SCOPE = "contacts.birthdays";

    @Bean
    @Order(SecurityFilterProperties.BASIC_AUTH_ORDER - 10)
    SecurityFilterChain serviceCallSecurityFilterChain(
            HttpSecurity http,
            @Qualifier("problemSecurityHandlers") AuthenticationEntryPoint problems,
            @Qualifier("problemSecurityHandlers") AccessDeniedHandler denied,
            @Value("${crm.security.jwt.issuer}") String issuer,
            @Value("${crm.security.jwt.audience}") String audience,
            @Value("${crm.security.jwt.public-key:}") String publicKey,
            @Value("${crm.security.jwt.jwk-set-uri:}") String jwkSetUri)
            throws Exception {
        var decoder = decoder(publicKey, jwkSetUri);
        var timestamps = new JwtTimestampValidator(Duration.ofSeconds(30));
        timestamps.setAllowEmptyExpiryClaim(false);
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(List.of(
                timestamps,
                new JwtIssuerValidator(issuer),
                new JwtClaimValidator<Object>(
                        JwtClaimNames.AUD,
                        aud -> aud instanceof Collection<?> audiences
                                ? audiences.contains(audience)
                                : audience.equals(aud)))));
        return http.securityMatcher("/internal/**")
                .csrf(AbstractHttpConfigurer::disable)
                .cors(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(requests -> requests.requestMatchers("/internal/contacts/birthdays")
                        .hasAuthority("SCOPE_" + BIRTHDAYS_SCOPE)
                        .anyRequest()
                        .denyAll())
                .oauth2ResourceServer(server -> server.jwt(jwt -> jwt.decoder(decoder))
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(denied))
                .exceptionHandling(exceptions ->
                        exceptions.authenticationEntryPoint(problems).accessDeniedHandler(denied))
                .build();
    }

    /** The same key source as the platform's decoder (RS256 only), which is not exposed as a bean. */
    private static NimbusJwtDecoder decoder(String publicKey, String jwkSetUri) {
        if (jwkSetUri != null && !jwkSetUri.isBlank()) {
            return NimbusJwtDecoder.withJwkSetUri(jwkSetUri)
                    .jwsAlgorithm(SignatureAlgorithm.RS256)
                    .build();
        }
        try {
            String base64 = publicKey
                    .replace("\\n", "\n")
                    .replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "")
                    .replaceAll("\\s", "");
            var key = (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
            var jwk = new RSAKey.Builder(key).keyIDFromThumbprint().build();
            return NimbusJwtDecoder.withJwkSource(new ImmutableJWKSet<>(new JWKSet(jwk)))
                    .jwsAlgorithm(SignatureAlgorithm.RS256)
                    .build();
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException | JOSEException e) {
            throw new IllegalStateException("crm.security.jwt.public-key is not a PEM RSA public key", e);
        }
    }
}
