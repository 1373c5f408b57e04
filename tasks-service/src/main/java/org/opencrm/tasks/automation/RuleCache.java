package org.opencrm.tasks.automation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;

/**
 * The enabled rules of a tenant for a trigger, read once and kept for a short while: every deal event asks for
 * them, and they change seldom (an administrator's edit). Invalidation: a change through this instance's API drops
 * the tenant's entries at once, before the change is answered, so the next event handled here sees it; another
 * instance of the service sees it when its entry expires ({@code crm.tasks.automation.rule-cache-ttl}, 1 s by
 * default), so a rule edit takes effect everywhere within that time of being saved. An entry is never shared
 * between tenants.
 */
@Component
class RuleCache {

    private record Entry(List<AutomationRule> rules, Instant loadedAt) {}

    private record Key(String tenantId, AutomationRule.Trigger trigger) {}

    private final MongoTemplate mongo;
    private final Clock clock;
    private final Duration ttl;
    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    /** Bumped by every invalidation: a load that began before one must not be cached after it. */
    private final Map<String, Long> generations = new ConcurrentHashMap<>();

    RuleCache(MongoTemplate mongo, Clock clock, @Value("${crm.tasks.automation.rule-cache-ttl:1s}") Duration ttl) {
        this.mongo = mongo;
        this.clock = clock;
        this.ttl = ttl;
    }

    List<AutomationRule> enabled(String tenantId, AutomationRule.Trigger trigger) {
        var key = new Key(tenantId, trigger);
        Instant now = clock.instant();
        var entry = entries.get(key);
        if (entry != null && now.isBefore(entry.loadedAt().plus(ttl))) {
            return entry.rules();
        }
        long generation = generations.getOrDefault(tenantId, 0L);
        var rules = List.copyOf(mongo.find(
                new Query(Criteria.where("tenantId")
                        .is(tenantId)
                        .and("trigger")
                        .is(trigger)
                        .and("enabled")
                        .is(true)),
                AutomationRule.class));
        if (entries.size() > 10_000) {
            entries.clear(); // many tenants: start over rather than grow without bound
        }
        entries.put(key, new Entry(rules, now));
        if (generations.getOrDefault(tenantId, 0L) != generation) {
            entries.remove(key); // the tenant's rules changed while they were read
        }
        return rules;
    }

    /** The tenant's rules changed: the next event reads them again. */
    void invalidate(String tenantId) {
        generations.merge(tenantId, 1L, Long::sum);
        entries.keySet().removeIf(k -> k.tenantId().equals(tenantId));
    }
}
