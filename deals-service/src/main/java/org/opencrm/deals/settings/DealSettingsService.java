package org.opencrm.deals.settings;

import org.opencrm.deals.settings.DealSettingsController.SettingsRequest;
import org.opencrm.platform.web.ETags;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Service;

@Service
public class DealSettingsService {

    private final MongoTemplate mongo;

    DealSettingsService(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** The tenant's settings; sensible defaults until an admin saves its own. */
    public DealSettings of(String tenantId) {
        var stored = mongo.findById(tenantId, DealSettings.class);
        return stored != null ? stored : DealSettings.defaults(tenantId);
    }

    DealSettings replace(String tenantId, String ifMatch, SettingsRequest request) {
        var stored = mongo.findById(tenantId, DealSettings.class);
        if (stored != null) {
            ETags.requireIfMatch(ifMatch, stored.version());
        }
        var reasons = request.lossReasons().stream()
                .map(r -> new DealSettings.LossReason(r.key(), r.name()))
                .toList();
        return mongo.save(new DealSettings(
                tenantId,
                reasons,
                request.companyName(),
                request.paymentDetails(),
                stored == null ? null : stored.version()));
    }
}
