package org.opencrm.identity;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The local run's identity provider (Spring Authorization Server): OIDC discovery, JWKS, authorization code
 * with PKCE for browsers, client credentials for integrations, and a demo tenant with its users. Production
 * uses Keycloak or a corporate IdP that issues the same claims (docs/security.md).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class IdentityApplication {

    public static void main(String[] args) {
        SpringApplication.run(IdentityApplication.class, args);
    }
}
