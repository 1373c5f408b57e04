package org.opencrm.platform.security;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * The caller of the current request, taken from the validated JWT and nothing else: a request never
 * chooses its tenant.
 *
 * <p>A controller declares it as a parameter ({@code DealView get(@PathVariable String id, CurrentUser user)});
 * code without a parameter to receive it calls {@link #current()}.
 *
 * @param userId the token's {@code sub}
 * @param tenantId the token's {@code tenant}; every query and every write is scoped to it
 * @param departments the token's {@code departments}
 * @param roles the known roles of the token's {@code roles}; unknown names are dropped
 */
public record CurrentUser(String userId, String tenantId, Set<String> departments, Set<Role> roles) {

    static final String TENANT_CLAIM = "tenant";
    static final String DEPARTMENTS_CLAIM = "departments";
    static final String ROLES_CLAIM = "roles";
    static final String SUBJECT_CLAIM = "sub";

    public CurrentUser {
        if (userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("userId must not be blank");
        }
        if (tenantId == null || tenantId.isBlank()) {
            throw new IllegalArgumentException("tenantId must not be blank");
        }
        departments = Set.copyOf(departments);
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    }

    public boolean hasRole(Role role) {
        return roles.contains(role);
    }

    public boolean hasAnyRole(Role... candidates) {
        return Arrays.stream(candidates).anyMatch(roles::contains);
    }

    /** Whether the user belongs to the given department; false for {@code null}. */
    public boolean isIn(String departmentId) {
        return departmentId != null && departments.contains(departmentId);
    }

    /**
     * The user of the request being served on this thread.
     *
     * @throws AuthenticationCredentialsNotFoundException when the thread serves no authenticated request
     *     (answered as 401 by the platform's exception handler)
     */
    public static CurrentUser current() {
        return find().orElseThrow(
                        () -> new AuthenticationCredentialsNotFoundException("No authenticated user on this thread"));
    }

    /** The user of the request being served on this thread, if there is one. */
    public static Optional<CurrentUser> find() {
        return from(SecurityContextHolder.getContext().getAuthentication());
    }

    /**
     * The user an authentication stands for: the platform's own token or, for tests built with Spring
     * Security's {@code jwt()} request post-processor, any JWT authentication carrying the claims.
     */
    static Optional<CurrentUser> from(Authentication authentication) {
        if (authentication == null || !authentication.isAuthenticated()) {
            return Optional.empty();
        }
        if (authentication.getPrincipal() instanceof CurrentUser user) {
            return Optional.of(user);
        }
        if (authentication instanceof JwtAuthenticationToken jwt) {
            return Optional.of(fromClaims(jwt.getToken().getClaims()));
        }
        return Optional.empty();
    }

    /** Reads the platform's claims; the decoder has already rejected tokens without {@code sub} or {@code tenant}. */
    static CurrentUser fromClaims(Map<String, Object> claims) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        strings(claims.get(ROLES_CLAIM)).forEach(name -> Role.fromClaim(name).ifPresent(roles::add));
        return new CurrentUser(
                string(claims.get(SUBJECT_CLAIM)),
                string(claims.get(TENANT_CLAIM)),
                strings(claims.get(DEPARTMENTS_CLAIM)),
                roles);
    }

    private static String string(Object value) {
        return value == null ? null : value.toString();
    }

    // A list claim may arrive as a JSON array or, from some identity providers, as a single string.
    private static Set<String> strings(Object value) {
        var result = new LinkedHashSet<String>();
        if (value instanceof Collection<?> values) {
            values.stream().filter(v -> v != null && !v.toString().isBlank()).forEach(v -> result.add(v.toString()));
        } else if (value instanceof String single && !single.isBlank()) {
            result.add(single);
        }
        return result;
    }
}
