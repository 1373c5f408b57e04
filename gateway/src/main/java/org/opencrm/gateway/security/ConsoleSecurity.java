package org.opencrm.gateway.security;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcReactiveOAuth2UserService;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.userinfo.ReactiveOAuth2UserService;
import org.springframework.security.oauth2.client.web.DefaultReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.client.web.server.DefaultServerOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.server.WebSessionServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.server.DelegatingServerAuthenticationEntryPoint;
import org.springframework.security.web.server.DelegatingServerAuthenticationEntryPoint.DelegateEntry;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.logout.ServerLogoutSuccessHandler;
import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy;
import org.springframework.security.web.server.util.matcher.PathPatternParserServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.WebFilter;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * The web console's session (docs/console.md): the gateway logs the browser in at the identity provider with
 * the authorization code and PKCE, keeps the tokens in the server-side session, and puts the access token on
 * every {@code /api} request it routes for that session (Spring Cloud Gateway's token relay). The browser
 * holds only the session cookie ({@code SESSION}, HttpOnly, SameSite=Lax) and a CSRF cookie that its script
 * echoes in {@code X-XSRF-TOKEN} on every state-changing request.
 *
 * <p>This chain sees only the console's pages and the {@code /api} requests that carry the session cookie and
 * no {@code Authorization} header; everything else (API clients with bearer tokens, website forms, public
 * links) goes through {@link GatewaySecurity}'s chain exactly as before.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleSecurity {

    static final String SESSION_COOKIE = "SESSION";
    static final String CSRF_HEADER = "X-XSRF-TOKEN";
    static final String LOGIN_PATH = "/oauth2/authorization/" + ConsoleProperties.REGISTRATION;

    /** The console's own paths: the page, its assets, the login round trip, the session, logout. */
    static final String[] CONSOLE_PATHS = {
        "/",
        "/index.html",
        "/console/**",
        "/favicon.ico",
        "/oauth2/authorization/**",
        "/login/oauth2/code/**",
        "/logout",
        ConsoleSessionController.PATH
    };

    @Bean
    ReactiveClientRegistrationRepository consoleClientRegistrations(ConsoleProperties console, JwtProperties jwt) {
        String issuer = console.issuer() == null || console.issuer().isBlank() ? jwt.issuer() : console.issuer();
        var builder = ClientRegistration.withRegistrationId(ConsoleProperties.REGISTRATION)
                .clientId(console.clientId())
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                .scope(console.scopes())
                .issuerUri(issuer)
                .authorizationUri(orDefault(console.authorizationUri(), issuer, "/oauth2/authorize"))
                .tokenUri(orDefault(console.tokenUri(), issuer, "/oauth2/token"))
                .jwkSetUri(orDefault(console.jwkSetUri(), issuer, "/oauth2/jwks"))
                .userNameAttributeName("sub")
                .clientName("CRM console");
        if (console.publicClient()) {
            builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
        } else {
            builder.clientSecret(console.clientSecret())
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
        }
        return new InMemoryReactiveClientRegistrationRepository(builder.build());
    }

    private static String orDefault(URI configured, String issuer, String path) {
        return configured == null || configured.toString().isBlank()
                ? issuer.replaceAll("/+$", "") + path
                : configured.toString();
    }

    /** Tokens live in the user's web session: gone with the session, never shared between two sessions. */
    @Bean
    ServerOAuth2AuthorizedClientRepository consoleAuthorizedClients() {
        return new WebSessionServerOAuth2AuthorizedClientRepository();
    }

    /** What the token relay asks for the session's access token (refreshed when the provider gave a refresh token). */
    @Bean
    ReactiveOAuth2AuthorizedClientManager consoleAuthorizedClientManager(
            ReactiveClientRegistrationRepository registrations, ServerOAuth2AuthorizedClientRepository clients) {
        var manager = new DefaultReactiveOAuth2AuthorizedClientManager(registrations, clients);
        manager.setAuthorizedClientProvider(ReactiveOAuth2AuthorizedClientProviderBuilder.builder()
                .authorizationCode()
                .refreshToken()
                .build());
        return manager;
    }

    /** The user's roles from the ID token's {@code roles} claim (identity puts the platform's claims there). */
    @Bean
    ReactiveOAuth2UserService<OidcUserRequest, OidcUser> consoleUserService() {
        var delegate = new OidcReactiveOAuth2UserService();
        return request -> delegate.loadUser(request).map(user -> {
            Set<GrantedAuthority> authorities = new HashSet<>(user.getAuthorities());
            Object roles = user.getClaims().get("roles");
            if (roles instanceof List<?> list) {
                for (Object role : list) {
                    String name = String.valueOf(role).toUpperCase(Locale.ROOT);
                    if (GatewaySecurity.ROLES.contains(name)) {
                        authorities.add(new SimpleGrantedAuthority("ROLE_" + name));
                    }
                }
            }
            return new DefaultOidcUser(authorities, user.getIdToken(), user.getUserInfo(), "sub");
        });
    }

    @Bean
    @Order(1)
    SecurityWebFilterChain consoleSecurityChain(
            ServerHttpSecurity http,
            ReactiveClientRegistrationRepository registrations,
            ServerOAuth2AuthorizedClientRepository clients,
            ConsoleProperties console,
            AccessProperties access) {
        var problems = new ProblemSecurityHandlers();
        String[] everyRole = GatewaySecurity.ROLES.stream().sorted().toArray(String[]::new);
        var resolver = new DefaultServerOAuth2AuthorizationRequestResolver(registrations);
        // PKCE even if the client were made confidential later
        resolver.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        var csrfTokens = CookieServerCsrfTokenRepository.withHttpOnlyFalse();
        csrfTokens.setHeaderName(CSRF_HEADER);
        csrfTokens.setCookieCustomizer(cookie -> cookie.sameSite("Strict"));
        var entryPoint = new DelegatingServerAuthenticationEntryPoint(new DelegateEntry(
                ServerWebExchangeMatchers.pathMatchers("/api/**", ConsoleSessionController.PATH), problems));
        entryPoint.setDefaultEntryPoint(new RedirectServerAuthenticationEntryPoint(LOGIN_PATH));
        return http.securityMatcher(consoleRequests())
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
                // the script reads the cookie and sends it back in the header: the plain (not XOR-masked) token
                .csrf(csrf -> csrf.csrfTokenRepository(csrfTokens)
                        .csrfTokenRequestHandler(new ServerCsrfTokenRequestAttributeHandler()))
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(
                                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
                                        + " frame-ancestors 'none'; form-action 'self'"))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER))
                        .hsts(hsts -> hsts.includeSubdomains(true)))
                .oauth2Login(
                        login -> login.authorizationRequestResolver(resolver).authorizedClientRepository(clients))
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessHandler(logoutAnswer(console)))
                .authorizeExchange(exchanges -> {
                    exchanges.pathMatchers("/console/**", "/favicon.ico").permitAll();
                    for (var rule : access.rules()) {
                        exchanges
                                .pathMatchers(rule.paths().toArray(String[]::new))
                                .hasAnyRole(rule.roles().stream()
                                        .map(role -> role.toUpperCase(Locale.ROOT))
                                        .toArray(String[]::new));
                    }
                    exchanges.pathMatchers("/api/**").hasAnyRole(everyRole);
                    exchanges.anyExchange().authenticated();
                })
                .exceptionHandling(exceptions ->
                        exceptions.authenticationEntryPoint(entryPoint).accessDeniedHandler(problems))
                .addFilterAfter(csrfCookieWriter(), SecurityWebFiltersOrder.CSRF)
                .build();
    }

    /** Requests of the console: its paths, or an {@code /api} call with the session cookie and no bearer token. */
    static ServerWebExchangeMatcher consoleRequests() {
        List<ServerWebExchangeMatcher> paths = new ArrayList<>();
        for (String path : CONSOLE_PATHS) {
            paths.add(new PathPatternParserServerWebExchangeMatcher(path));
        }
        var consolePaths = ServerWebExchangeMatchers.matchers(paths.toArray(ServerWebExchangeMatcher[]::new));
        var api = ServerWebExchangeMatchers.pathMatchers("/api/**");
        return exchange -> {
            var request = exchange.getRequest();
            if (request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)) {
                return ServerWebExchangeMatcher.MatchResult.notMatch();
            }
            boolean session = request.getCookies().containsKey(SESSION_COOKIE);
            return consolePaths
                    .matches(exchange)
                    .flatMap(console -> console.isMatch()
                            ? ServerWebExchangeMatcher.MatchResult.match()
                            : api.matches(exchange)
                                    .flatMap(apiCall -> apiCall.isMatch() && session
                                            ? ServerWebExchangeMatcher.MatchResult.match()
                                            : ServerWebExchangeMatcher.MatchResult.notMatch()));
        };
    }

    /** The CSRF token is made lazily; subscribing writes its cookie on every answer, so the script has one. */
    private static WebFilter csrfCookieWriter() {
        return (exchange, chain) -> {
            Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
            return (token == null ? Mono.<CsrfToken>empty() : token).then(chain.filter(exchange));
        };
    }

    /**
     * After the session is gone: 200 with where the browser goes next, the provider's end-session endpoint
     * (so the provider's login session ends too) or the console. A JSON answer rather than a redirect, because
     * the console logs out with a script call and a cross-origin redirect would be lost on it.
     */
    private static ServerLogoutSuccessHandler logoutAnswer(ConsoleProperties console) {
        return (filterExchange, authentication) -> {
            var exchange = filterExchange.getExchange();
            var request = exchange.getRequest();
            String base = UriComponentsBuilder.fromUri(request.getURI())
                    .replacePath("/")
                    .replaceQuery(null)
                    .build()
                    .toUriString();
            String next = base;
            if (console.hasEndSession()
                    && authentication instanceof OAuth2AuthenticationToken token
                    && token.getPrincipal() instanceof OidcUser user) {
                next = UriComponentsBuilder.fromUri(console.endSessionUri())
                        .queryParam("id_token_hint", user.getIdToken().getTokenValue())
                        .queryParam("post_logout_redirect_uri", base)
                        .encode()
                        .build()
                        .toUriString();
            }
            var response = exchange.getResponse();
            response.setStatusCode(HttpStatus.OK);
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
            String body = "{\"next\":\"" + next.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
            return response.writeWith(Mono.just(response.bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8))));
        };
    }
}
