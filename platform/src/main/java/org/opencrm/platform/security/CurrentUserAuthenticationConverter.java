package org.opencrm.platform.security;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;

/** Turns a validated JWT into the platform's authentication: claims to {@link CurrentUser}, roles to authorities. */
final class CurrentUserAuthenticationConverter implements Converter<Jwt, AbstractAuthenticationToken> {

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        return new CurrentUserAuthentication(jwt, CurrentUser.fromClaims(jwt.getClaims()));
    }
}
