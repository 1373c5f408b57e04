package org.opencrm.gateway.security;

import java.net.URI;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The web console's login ({@code crm.gateway.console.*}): the gateway is the OIDC client (authorization code
 * with PKCE), keeps the tokens in the user's session and relays the access token to the services. The
 * endpoints are configured one by one rather than discovered, so the gateway starts while the identity
 * provider is still starting, and the browser-facing authorization address may differ from the addresses the
 * gateway itself calls (a container network).
 *
 * @param clientId the client registered at the identity provider ({@code crm-console}, a public client)
 * @param clientSecret empty for a public client (PKCE only); set for a confidential client
 * @param issuer the {@code iss} the ID token must carry
 * @param authorizationUri where the browser is sent to log in
 * @param tokenUri where the gateway exchanges the code (and refreshes)
 * @param jwkSetUri the keys the ID token is checked with
 * @param endSessionUri the provider's RP-initiated logout endpoint; empty: logout ends only the gateway's session
 * @param scopes the scopes asked for
 */
@ConfigurationProperties("crm.gateway.console")
record ConsoleProperties(
        @DefaultValue("crm-console") String clientId,
        String clientSecret,
        String issuer,
        URI authorizationUri,
        URI tokenUri,
        URI jwkSetUri,
        URI endSessionUri,
        @DefaultValue({"openid", "profile"}) List<String> scopes) {

    /** The registration id, the last segment of the callback path {@code /login/oauth2/code/crm}. */
    static final String REGISTRATION = "crm";

    boolean publicClient() {
        return clientSecret == null || clientSecret.isBlank();
    }

    boolean hasEndSession() {
        return endSessionUri != null && !endSessionUri.toString().isBlank();
    }
}
