package org.opencrm.identity;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.util.UUID;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

/**
 * The authorization server: its endpoints (discovery, JWKS, authorize, token, userinfo) in one chain, the
 * login form and the health probes in another; two clients and the demo users.
 */
@Configuration(proxyBeanMethods = false)
class IdentitySecurity {

    static final String CONSOLE_CLIENT = "crm-console";

    @Bean
    @Order(1)
    SecurityFilterChain authorizationServerChain(HttpSecurity http) throws Exception {
        http.oauth2AuthorizationServer(server -> {
                    http.securityMatcher(server.getEndpointsMatcher());
                    server.oidc(Customizer.withDefaults());
                })
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                // a browser without a session goes to the login form; other clients get a 401
                .exceptionHandling(exceptions -> exceptions.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint("/login"),
                        new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain loginChain(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(requests -> requests.requestMatchers(
                                "/actuator/health", "/actuator/health/**", "/actuator/info")
                        .permitAll()
                        .requestMatchers(HttpMethod.POST, DevTokenController.PATH)
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                // the dev token endpoint takes a username and password, never a cookie
                .csrf(csrf -> csrf.ignoringRequestMatchers(DevTokenController.PATH))
                .formLogin(Customizer.withDefaults())
                .build();
    }

    @Bean
    CrmClaims crmClaims(IdentityProperties properties) {
        return new CrmClaims(properties);
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    UserDetailsService demoUsers(IdentityProperties properties, PasswordEncoder encoder) {
        if (properties.demoPassword() == null || properties.demoPassword().isBlank()) {
            throw new IllegalStateException("crm.identity.demo-password is not set (CRM_IDENTITY_DEMO_PASSWORD)");
        }
        String password = encoder.encode(properties.demoPassword());
        return new InMemoryUserDetailsManager(properties.users().stream()
                .map(user -> User.withUsername(user.username())
                        .password(password)
                        .roles(user.roles().toArray(String[]::new))
                        .build())
                .toList());
    }

    @Bean
    RegisteredClientRepository clients(IdentityProperties properties, PasswordEncoder encoder) {
        var tokens = TokenSettings.builder()
                .accessTokenTimeToLive(properties.tokenLifetime())
                .build();
        var console = RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(CONSOLE_CLIENT)
                // a browser app keeps no secret: a public client, PKCE required
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUris(uris -> uris.addAll(properties.consoleRedirectUris()))
                // after logging out (OIDC RP-initiated logout) the browser may return to the origin it came from
                .postLogoutRedirectUris(uris -> properties.consoleRedirectUris().stream()
                        .map(uri -> java.net.URI.create(uri).resolve("/").toString())
                        .forEach(uris::add))
                .scope(OidcScopes.OPENID)
                .scope(OidcScopes.PROFILE)
                .clientSettings(ClientSettings.builder()
                        .requireProofKey(true)
                        .requireAuthorizationConsent(false)
                        .build())
                .tokenSettings(tokens)
                .build();
        var integration = RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(CrmClaims.INTEGRATION_CLIENT)
                .clientSecret(encoder.encode(properties.integrationSecret()))
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .scope("crm")
                .tokenSettings(tokens)
                .build();
        var notifications = RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(CrmClaims.NOTIFICATIONS_CLIENT)
                .clientSecret(encoder.encode(properties.notificationsSecret()))
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .scope("contacts.birthdays")
                .tokenSettings(tokens)
                .build();
        return new InMemoryRegisteredClientRepository(console, integration, notifications);
    }

    @Bean
    RSAKey signingKey(IdentityProperties properties) {
        return SigningKey.load(properties.signingKey());
    }

    @Bean
    JWKSource<SecurityContext> jwkSource(RSAKey signingKey) {
        return new ImmutableJWKSet<>(new JWKSet(signingKey));
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(IdentityProperties properties) {
        return AuthorizationServerSettings.builder().issuer(properties.issuer()).build();
    }

    /** Access tokens carry the platform's claims and audience; ID tokens the same claims for the console. */
    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> crmClaimsCustomizer(CrmClaims claims) {
        return context -> {
            boolean accessToken = OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType());
            boolean idToken = "id_token".equals(context.getTokenType().getValue());
            if (!accessToken && !idToken) {
                return;
            }
            if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
                // a service's own client gets no tenant and no roles, so its token opens no /api path
                if (CrmClaims.INTEGRATION_CLIENT.equals(
                        context.getRegisteredClient().getClientId())) {
                    claims.forIntegration().forEach(context.getClaims()::claim);
                }
            } else {
                claims.user(context.getPrincipal().getName())
                        .map(claims::forUser)
                        .ifPresent(values -> values.forEach(context.getClaims()::claim));
            }
            if (accessToken) {
                context.getClaims().claim(JwtClaimNames.AUD, claims.audience());
            }
        };
    }
}
