package org.opencrm.gateway.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.opencrm.gateway.web.Caller;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.util.StringUtils;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/**
 * The gateway is an OAuth2 resource server with the services' rules (docs/security.md): every {@code /api}
 * request needs a valid token and a role the path allows, except a website form's lead post; the token is
 * relayed unchanged and the services validate it again.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class GatewaySecurity {

    /** The platform's roles (org.opencrm.platform.security.Role); others in a token grant nothing. */
    static final Set<String> ROLES = Set.of("ADMIN", "HEAD", "MANAGER", "OPERATOR", "ANALYST", "INTEGRATION");

    static final String[] PUBLIC_PATHS = {
        "/actuator/health",
        "/actuator/health/**",
        "/actuator/info",
        "/actuator/prometheus",
        // the API description and its UI are public, like the services' own /v3/api-docs
        "/v3/api-docs",
        "/v3/api-docs/**",
        "/springdoc/**",
        "/swagger-ui.html",
        "/swagger-ui/**",
        "/webjars/**"
    };

    @Bean
    ReactiveJwtDecoder jwtDecoder(JwtProperties properties) {
        return GatewayJwtDecoders.create(properties);
    }

    @Bean
    SecurityWebFilterChain gatewaySecurityChain(
            ServerHttpSecurity http,
            ReactiveJwtDecoder decoder,
            AccessProperties access,
            FormProperties forms,
            CorsConfigurationSource cors) {
        var problems = new ProblemSecurityHandlers();
        String[] everyRole = ROLES.stream().sorted().toArray(String[]::new);
        return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .cors(c -> c.configurationSource(cors))
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(
                                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
                                        + " frame-ancestors 'none'; form-action 'self'"))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER))
                        .hsts(hsts -> hsts.includeSubdomains(true)))
                .authorizeExchange(exchanges -> {
                    exchanges.pathMatchers(PUBLIC_PATHS).permitAll();
                    exchanges.matchers(formSubmission(forms)).permitAll();
                    if (!access.publicLinks().isEmpty()) {
                        exchanges
                                .pathMatchers(
                                        HttpMethod.GET, access.publicLinks().toArray(String[]::new))
                                .permitAll();
                    }
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
                .oauth2ResourceServer(server -> server.jwt(jwt ->
                                jwt.jwtDecoder(decoder).jwtAuthenticationConverter(GatewaySecurity::authentication))
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(exceptions ->
                        exceptions.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .build();
    }

    /** A form post: the form-key header, and no token at all (a token sent along is validated as usual). */
    private static ServerWebExchangeMatcher formSubmission(FormProperties forms) {
        var paths = ServerWebExchangeMatchers.pathMatchers(
                HttpMethod.POST, forms.paths().toArray(String[]::new));
        return exchange -> paths.matches(exchange).flatMap(match -> {
            var headers = exchange.getRequest().getHeaders();
            boolean form = match.isMatch()
                    && StringUtils.hasText(headers.getFirst(forms.header()))
                    && !headers.containsHeader(HttpHeaders.AUTHORIZATION);
            return form
                    ? ServerWebExchangeMatcher.MatchResult.match()
                    : ServerWebExchangeMatcher.MatchResult.notMatch();
        });
    }

    /** Roles from the {@code roles} claim, case-insensitive, unknown ones dropped: {@code ROLE_<NAME>}. */
    static Mono<AbstractAuthenticationToken> authentication(Jwt jwt) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        for (String role : stringsOf(jwt.getClaim("roles"))) {
            String name = role.toUpperCase(Locale.ROOT);
            if (ROLES.contains(name)) {
                authorities.add(new SimpleGrantedAuthority("ROLE_" + name));
            }
        }
        return Mono.just(new JwtAuthenticationToken(jwt, authorities, jwt.getSubject()));
    }

    private static List<String> stringsOf(Object claim) {
        if (claim instanceof String single) {
            return Arrays.asList(single.split("[,\\s]+"));
        }
        if (claim instanceof Collection<?> many) {
            return many.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    /** Records who called, after the token or session was checked, for the access log and the rate limits. */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE - 100)
    WebFilter callerRecorder() {
        return (exchange, chain) -> exchange.getPrincipal()
                .doOnNext(principal -> {
                    if (principal instanceof JwtAuthenticationToken token) {
                        new Caller(
                                        token.getToken().getClaimAsString(GatewayJwtDecoders.TENANT_CLAIM),
                                        token.getToken().getSubject())
                                .store(exchange);
                    } else if (principal instanceof OAuth2AuthenticationToken session
                            && session.getPrincipal() instanceof OidcUser user) {
                        // the console's session: the same tenant and user as the token the gateway relays
                        new Caller(user.getClaimAsString(GatewayJwtDecoders.TENANT_CLAIM), user.getSubject())
                                .store(exchange);
                    }
                })
                .then(chain.filter(exchange));
    }

    @Bean
    CorsConfigurationSource corsConfigurationSource(CorsProperties properties) {
        var source = new UrlBasedCorsConfigurationSource();
        if (!properties.allowedOrigins().isEmpty()) {
            var config = new CorsConfiguration();
            config.setAllowedOrigins(properties.allowedOrigins());
            config.setAllowedMethods(List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
            config.setAllowedHeaders(
                    List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE, HttpHeaders.IF_MATCH, "X-Request-Id"));
            config.setExposedHeaders(List.of(
                    HttpHeaders.ETAG,
                    HttpHeaders.LOCATION,
                    HttpHeaders.RETRY_AFTER,
                    "X-Request-Id",
                    "X-RateLimit-Limit",
                    "X-RateLimit-Remaining"));
            // Bearer tokens, never cookies: no credentials mode.
            config.setAllowCredentials(false);
            config.setMaxAge(3600L);
            source.registerCorsConfiguration("/**", config);
        }
        return source;
    }
}
