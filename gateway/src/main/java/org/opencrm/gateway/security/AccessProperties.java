package org.opencrm.gateway.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Coarse role gates ({@code crm.gateway.access.rules}): the first rule whose paths match decides which roles
 * may pass; any other {@code /api} path needs any known role. Services still apply their own, finer rules.
 * {@code public-links} are the services' own tokenless pages (an e-mail's unsubscribe link, a calendar feed),
 * passed on without a token: the link carries its own signed token, which the service checks.
 */
@ConfigurationProperties("crm.gateway.access")
record AccessProperties(List<Rule> rules, List<String> publicLinks) {

    AccessProperties {
        rules = rules == null ? List.of() : List.copyOf(rules);
        publicLinks = publicLinks == null ? List.of() : List.copyOf(publicLinks);
    }

    record Rule(List<String> paths, List<String> roles) {}
}
