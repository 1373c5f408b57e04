package org.opencrm.notifications.routing;

import static org.opencrm.events.notifications.NotificationChannel.EMAIL;
import static org.opencrm.events.notifications.NotificationChannel.IN_APP;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.mapping.Document;
import org.springframework.stereotype.Component;

/**
 * Which topic goes to whom over which channels: the defaults of issue 7, replaced per tenant and topic by
 * an administrator's rules.
 */
@Component
class Routes {

    static final Map<String, List<RouteRule>> DEFAULTS = Map.of(
            "TaskCreated", List.of(new RouteRule(Audience.ASSIGNEE, Set.of(IN_APP, EMAIL))),
            "TaskDueSoon", List.of(new RouteRule(Audience.ASSIGNEE, Set.of(IN_APP, EMAIL))),
            "TaskOverdue",
                    List.of(
                            new RouteRule(Audience.ASSIGNEE, Set.of(IN_APP, EMAIL)),
                            new RouteRule(Audience.TEAM_HEADS, Set.of(IN_APP, EMAIL))),
            "TaskReassigned",
                    List.of(
                            new RouteRule(Audience.PREVIOUS_ASSIGNEE, Set.of(IN_APP, EMAIL)),
                            new RouteRule(Audience.NEW_ASSIGNEE, Set.of(IN_APP, EMAIL))),
            "DealWithoutNextStep", List.of(new RouteRule(Audience.OWNER, Set.of(IN_APP, EMAIL))),
            // The screen pop: only in-app, because it is useless a minute later.
            "CallStarted", List.of(new RouteRule(Audience.OPERATOR, Set.of(IN_APP))),
            "DealWon", List.of(new RouteRule(Audience.TEAM, Set.of(IN_APP))),
            "RuleNotificationRequested", List.of(new RouteRule(Audience.RULE_RECIPIENTS, Set.of(IN_APP, EMAIL))));

    @Document("routes")
    record TenantRoute(
            @Id String id, String tenantId, String topic, List<RouteRule> rules, String updatedBy, Instant updatedAt) {
        static String idOf(String tenantId, String topic) {
            return tenantId + ":" + topic;
        }
    }

    private final MongoTemplate mongo;

    Routes(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    List<RouteRule> rules(String tenantId, String topic) {
        return override(tenantId, topic)
                .map(TenantRoute::rules)
                .orElseGet(() -> DEFAULTS.getOrDefault(topic, List.of()));
    }

    Optional<TenantRoute> override(String tenantId, String topic) {
        return Optional.ofNullable(mongo.findById(TenantRoute.idOf(tenantId, topic), TenantRoute.class));
    }

    void save(TenantRoute route) {
        mongo.save(route);
    }

    void reset(String tenantId, String topic) {
        mongo.remove(
                new org.springframework.data.mongodb.core.query.Query(
                        org.springframework.data.mongodb.core.query.Criteria.where("_id")
                                .is(TenantRoute.idOf(tenantId, topic))),
                TenantRoute.class);
    }
}
