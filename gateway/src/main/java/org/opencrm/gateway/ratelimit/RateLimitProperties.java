package org.opencrm.gateway.ratelimit;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Token-bucket rate limits in Redis ({@code crm.gateway.rate-limit}). A request with a token takes from its
 * tenant's and its user's bucket; a website form's post (no token) from its form key's and its client IP's.
 * Each route has its own buckets; {@code routes.<id>} overrides the defaults bucket by bucket.
 *
 * @param enabled off: no limits at all (and no Redis needed)
 * @param failOpen what happens when Redis cannot answer: pass the request (true) or refuse it with 503
 * @param redisTimeout how long a check may wait for Redis before that rule applies
 */
@ConfigurationProperties("crm.gateway.rate-limit")
record RateLimitProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("true") boolean failOpen,
        @DefaultValue("250ms") Duration redisTimeout,
        Limits defaults,
        Map<String, Limits> routes) {

    RateLimitProperties {
        defaults = defaults == null ? new Limits(null, null, null, null) : defaults;
        routes = routes == null ? Map.of() : Map.copyOf(routes);
    }

    /** The limits of one route: the route's overrides, the defaults for what it does not set. */
    Limits limitsOf(String routeId) {
        Limits own = routes.get(routeId);
        return own == null ? defaults : own.orElse(defaults);
    }

    record Limits(Bucket tenant, Bucket user, Bucket formKey, Bucket clientIp) {
        Limits orElse(Limits fallback) {
            return new Limits(
                    tenant != null ? tenant : fallback.tenant,
                    user != null ? user : fallback.user,
                    formKey != null ? formKey : fallback.formKey,
                    clientIp != null ? clientIp : fallback.clientIp);
        }
    }

    /**
     * @param perSecond tokens added each second (a sustained rate; may be below 1)
     * @param burst the bucket's size: how many requests may come at once
     */
    record Bucket(double perSecond, int burst) {}
}
