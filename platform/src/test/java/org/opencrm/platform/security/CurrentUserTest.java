package org.opencrm.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

class CurrentUserTest {

    @AfterEach
    void clearContext() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void claimsBecomeAUserWithKnownRolesOnly() {
        var user = CurrentUser.fromClaims(Map.of(
                "sub",
                "u1",
                "tenant",
                "t1",
                "departments",
                List.of("d1", "d2"),
                "roles",
                List.of("head", " MANAGER ", "SUPERUSER")));

        assertThat(user.userId()).isEqualTo("u1");
        assertThat(user.tenantId()).isEqualTo("t1");
        assertThat(user.roles()).containsExactlyInAnyOrder(Role.HEAD, Role.MANAGER);
        assertThat(user.hasRole(Role.HEAD)).isTrue();
        assertThat(user.hasRole(Role.ADMIN)).isFalse();
        assertThat(user.hasAnyRole(Role.ADMIN, Role.MANAGER)).isTrue();
        assertThat(user.isIn("d2")).isTrue();
        assertThat(user.isIn("d3")).isFalse();
        assertThat(user.isIn(null)).isFalse();
    }

    @Test
    void aSingleStringDepartmentClaimCountsAsOneDepartment() {
        var user = CurrentUser.fromClaims(Map.of("sub", "u1", "tenant", "t1", "departments", "d1"));

        assertThat(user.departments()).containsExactly("d1");
        assertThat(user.roles()).isEmpty();
    }

    @Test
    void aUserAlwaysHasATenant() {
        assertThatThrownBy(() -> new CurrentUser("u1", " ", Set.of(), Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CurrentUser.fromClaims(Map.of("sub", "u1")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void currentFailsOutsideAnAuthenticatedRequest() {
        assertThat(CurrentUser.find()).isEmpty();
        assertThatThrownBy(CurrentUser::current).isInstanceOf(AuthenticationCredentialsNotFoundException.class);
    }

    @Test
    void currentReadsASpringSecurityTestJwtToo() {
        Jwt jwt = Jwt.withTokenValue("token")
                .header("alg", "RS256")
                .subject("u7")
                .claim("tenant", "t7")
                .claim("roles", List.of("OPERATOR"))
                .build();
        SecurityContextHolder.getContext().setAuthentication(new JwtAuthenticationToken(jwt, List.of()));

        assertThat(CurrentUser.current()).isEqualTo(new CurrentUser("u7", "t7", Set.of(), Set.of(Role.OPERATOR)));
    }
}
