package org.opencrm.gateway.security;

import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /session}: who the console's session belongs to, from the ID token's claims, so the page can
 * show the user and offer only the screens their roles may use. Never a token: those stay in the gateway.
 */
@RestController
class ConsoleSessionController {

    static final String PATH = "/session";

    @GetMapping(PATH)
    SessionView session(@AuthenticationPrincipal OidcUser user) {
        return new SessionView(
                user.getSubject(),
                user.getClaimAsString("name") == null ? user.getSubject() : user.getClaimAsString("name"),
                user.getClaimAsString("tenant"),
                strings(user.getClaimAsStringList("roles")),
                strings(user.getClaimAsStringList("departments")));
    }

    private static List<String> strings(List<String> values) {
        return values == null ? List.of() : values;
    }

    record SessionView(String user, String name, String tenant, List<String> roles, List<String> departments) {}
}
