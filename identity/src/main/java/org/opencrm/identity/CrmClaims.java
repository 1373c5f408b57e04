package org.opencrm.identity;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The platform's claims (docs/security.md) for a demo user or the integration client. */
final class CrmClaims {

    static final String INTEGRATION_CLIENT = "crm-integration";
    /** notifications-service's own client: only the scope contacts-service's internal API requires. */
    static final String NOTIFICATIONS_CLIENT = "crm-notifications";

    private final IdentityProperties properties;

    CrmClaims(IdentityProperties properties) {
        this.properties = properties;
    }

    Optional<IdentityProperties.DemoUser> user(String username) {
        return properties.users().stream()
                .filter(user -> user.username().equals(username))
                .findFirst();
    }

    Map<String, Object> forUser(IdentityProperties.DemoUser user) {
        return Map.of(
                "tenant", properties.tenant(),
                "departments", user.departments(),
                "roles", user.roles(),
                "name", user.name() == null ? user.username() : user.name());
    }

    Map<String, Object> forIntegration() {
        return Map.of("tenant", properties.tenant(), "departments", List.of(), "roles", List.of("INTEGRATION"));
    }

    List<String> audience() {
        return List.of(properties.audience());
    }
}
