package org.opencrm.notifications.webhook;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.util.List;
import java.util.Optional;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

@Component
class Webhooks {

    private final MongoTemplate mongo;

    Webhooks(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    Optional<WebhookSubscription> find(String tenantId, String id) {
        return Optional.ofNullable(
                mongo.findOne(new Query(where("_id").is(id).and("tenantId").is(tenantId)), WebhookSubscription.class));
    }

    List<WebhookSubscription> list(String tenantId) {
        return mongo.find(new Query(where("tenantId").is(tenantId)), WebhookSubscription.class);
    }

    List<WebhookSubscription> subscribedTo(String tenantId, String eventType) {
        return mongo.find(
                new Query(where("tenantId")
                        .is(tenantId)
                        .and("enabled")
                        .is(true)
                        .and("eventTypes")
                        .is(eventType)),
                WebhookSubscription.class);
    }

    WebhookSubscription save(WebhookSubscription subscription) {
        return mongo.save(subscription);
    }

    void delete(WebhookSubscription subscription) {
        mongo.remove(new Query(where("_id").is(subscription.id())), WebhookSubscription.class);
    }

    void succeeded(String id) {
        mongo.updateFirst(
                new Query(where("_id").is(id).and("consecutiveFailures").gt(0)),
                new Update().set("consecutiveFailures", 0),
                WebhookSubscription.class);
    }

    /** Counts a failed attempt; disables the subscription when it reaches {@code limit} in a row. */
    void failed(String id, int limit) {
        var after = mongo.findAndModify(
                new Query(where("_id").is(id)),
                new Update().inc("consecutiveFailures", 1),
                FindAndModifyOptions.options().returnNew(true),
                WebhookSubscription.class);
        if (after != null && after.enabled() && after.consecutiveFailures() >= limit) {
            mongo.updateFirst(
                    new Query(where("_id").is(id)),
                    new Update().set("enabled", false).set("disabledReason", "REPEATED_FAILURES"),
                    WebhookSubscription.class);
        }
    }
}
