package org.opencrm.platform.security;

import java.util.Map;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;

/**
 * An authenticated bearer token whose principal is the {@link CurrentUser}, so {@code @AuthenticationPrincipal
 * CurrentUser} works too. The raw {@link Jwt} stays available as the token, e.g. to relay it downstream.
 */
final class CurrentUserAuthentication extends AbstractOAuth2TokenAuthenticationToken<Jwt> {

    private final CurrentUser user;

    CurrentUserAuthentication(Jwt jwt, CurrentUser user) {
        super(
                jwt,
                user,
                jwt,
                user.roles().stream()
                        .map(role -> new SimpleGrantedAuthority(role.authority()))
                        .toList());
        this.user = user;
        setAuthenticated(true);
    }

    @Override
    public Map<String, Object> getTokenAttributes() {
        return getToken().getClaims();
    }

    @Override
    public String getName() {
        return user.userId();
    }
}
