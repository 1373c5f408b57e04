package org.opencrm.identity;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The identity app's configuration ({@code crm.identity.*}, environment variables in application.yml).
 *
 * @param issuer the {@code iss} of every token and the base of the OIDC discovery document
 * @param audience the {@code aud} every access token carries, the one the services expect
 * @param signingKey a PEM PKCS#8 RSA private key ({@code openssl genpkey}); none: a key made at start,
 *     forgotten at exit (tokens then stop validating after a restart)
 * @param tokenLifetime how long an access token is valid
 * @param tenant the demo tenant every demo user and the integration client belong to
 * @param demoPassword the password of every demo user (local run only)
 * @param users the demo users
 * @param consoleRedirectUris where the browser client ({@code crm-console}, code + PKCE) may be sent back to
 * @param integrationSecret the secret of the client-credentials client {@code crm-integration}
 * @param notificationsSecret the secret of notifications-service's client {@code crm-notifications} (scope
 *     {@code contacts.birthdays}, no tenant or roles: it reads birthdays from contacts-service's internal API)
 * @param devTokens whether {@code POST /dev/token} hands out a demo user's token for a username and password
 */
@ConfigurationProperties("crm.identity")
record IdentityProperties(
        String issuer,
        @DefaultValue("crm-api") String audience,
        Path signingKey,
        @DefaultValue("1h") Duration tokenLifetime,
        @DefaultValue("demo") String tenant,
        String demoPassword,
        List<DemoUser> users,
        List<String> consoleRedirectUris,
        String integrationSecret,
        String notificationsSecret,
        @DefaultValue("false") boolean devTokens) {

    IdentityProperties {
        users = users == null ? List.of() : List.copyOf(users);
        consoleRedirectUris = consoleRedirectUris == null ? List.of() : List.copyOf(consoleRedirectUris);
    }

    /**
     * @param username the login name and the token's {@code sub}
     * @param name the display name ({@code name} claim)
     * @param departments the {@code departments} claim
     * @param roles the {@code roles} claim (ADMIN, HEAD, MANAGER, OPERATOR, ANALYST, INTEGRATION)
     */
    record DemoUser(String username, String name, List<String> departments, List<String> roles) {
        DemoUser {
            departments = departments == null ? List.of() : List.copyOf(departments);
            roles = roles == null ? List.of() : List.copyOf(roles);
        }
    }
}
