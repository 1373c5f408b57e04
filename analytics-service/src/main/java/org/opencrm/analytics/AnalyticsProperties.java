package org.opencrm.analytics;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the analytics service ({@code crm.analytics.*}).
 *
 * @param pointerRefresh how long an instance trusts its cached copy of the projection pointer (which version
 *     queries read and listeners write); a rebuild waits twice this long before it fixes the offsets it
 *     replays up to, so every instance writes new events into the version being built by then
 * @param maxPeriodDays the longest period a query may cover
 * @param rebuildConsumerGroupPrefix prefix of the consumer group a rebuild replays the topics with
 * @param rebuildStaleAfter a rebuild whose instance has not reported progress for this long is taken for dead,
 *     and a new rebuild may start
 */
@ConfigurationProperties("crm.analytics")
public record AnalyticsProperties(
        @DefaultValue("1s") Duration pointerRefresh,
        @DefaultValue("1830") int maxPeriodDays,
        @DefaultValue("analytics-rebuild-v") String rebuildConsumerGroupPrefix,
        @DefaultValue("2m") Duration rebuildStaleAfter) {}
