package org.opencrm.notifications.preference;

import java.util.Optional;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

@Component
public class PreferenceStore {

    private final MongoTemplate mongo;

    PreferenceStore(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    public Preferences of(String tenantId, String userId) {
        return Optional.ofNullable(mongo.findById(Preferences.idOf(tenantId, userId), Preferences.class))
                .orElseGet(() -> Preferences.defaults(tenantId, userId));
    }

    Preferences save(Preferences preferences) {
        return mongo.save(preferences);
    }
}
