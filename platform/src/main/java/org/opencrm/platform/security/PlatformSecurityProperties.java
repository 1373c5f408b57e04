package org.opencrm.platform.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Request authorization settings ({@code crm.security.*}).
 *
 * @param publicPaths path patterns a service answers without a token, added to the platform's own
 *     ({@code /actuator/health/**}, {@code /actuator/info}, {@code /actuator/prometheus},
 *     {@code /v3/api-docs/**}), e.g.
 *     {@code /public/forms/**} for a web-form intake endpoint
 */
@ConfigurationProperties("crm.security")
record PlatformSecurityProperties(@DefaultValue List<String> publicPaths) {}
