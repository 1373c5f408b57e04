package org.opencrm.notifications.client;

import org.opencrm.notifications.NotificationsProperties;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.stereotype.Component;

/**
 * This service's own access token for work no user asked for (the daily birthday greetings): OAuth2 client
 * credentials from the identity provider, scope {@code contacts.birthdays}. Spring Security's client keeps
 * the token and asks for a new one shortly before it expires.
 */
@Component
class ServiceCredentials {

    private static final String REGISTRATION = "crm-service";

    private final NotificationsProperties.Birthdays settings;
    private final AuthorizedClientServiceOAuth2AuthorizedClientManager manager;

    ServiceCredentials(NotificationsProperties properties) {
        this.settings = properties.birthdays();
        var registration = ClientRegistration.withRegistrationId(REGISTRATION)
                .clientId(settings.clientId())
                // may be empty so the service starts without one; a due run then only logs that it cannot read
                .clientSecret(settings.clientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .tokenUri(settings.tokenUri().toString())
                .scope(settings.scope())
                .build();
        var registrations = new InMemoryClientRegistrationRepository(registration);
        this.manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(
                registrations, new InMemoryOAuth2AuthorizedClientService(registrations));
        manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder()
                .clientCredentials()
                .build());
    }

    boolean configured() {
        return settings.clientSecret() != null && !settings.clientSecret().isBlank();
    }

    /** A valid access token, fetched or reused. */
    String accessToken() {
        var client = manager.authorize(OAuth2AuthorizeRequest.withClientRegistrationId(REGISTRATION)
                .principal(settings.clientId())
                .build());
        if (client == null) {
            throw new IllegalStateException("the identity provider issued no token for " + settings.clientId());
        }
        return client.getAccessToken().getTokenValue();
    }
}
