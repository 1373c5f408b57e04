package org.opencrm.gateway.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Website forms ({@code crm.gateway.forms}): a POST to one of these paths that carries the form-key header
 * and no {@code Authorization} passes without a token; the service behind it checks the key.
 */
@ConfigurationProperties("crm.gateway.forms")
public record FormProperties(
        @DefaultValue("/api/leads") List<String> paths,
        @DefaultValue("X-Form-Key") String header) {}
