package org.opencrm.gateway.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The browser origins allowed to call the API ({@code crm.gateway.cors.allowed-origins}); none by default. */
@ConfigurationProperties("crm.gateway.cors")
record CorsProperties(List<String> allowedOrigins) {

    CorsProperties {
        allowedOrigins = allowedOrigins == null
                ? List.of()
                : allowedOrigins.stream().filter(origin -> !origin.isBlank()).toList();
    }
}
