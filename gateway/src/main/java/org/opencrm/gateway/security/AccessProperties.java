package org.opencrm.gateway.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Coarse role gates ({@code crm.gateway.access.rules}): the first rule whose paths match decides which roles
 * may pass; any other {@code /api} path needs any known role. Services still apply their own, finer rules.
 */
@ConfigurationProperties("crm.gateway.access")
record AccessProperties(List<Rule> rules) {

    AccessProperties {
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    record Rule(List<String> paths, List<String> roles) {}
}
