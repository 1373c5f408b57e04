package org.opencrm.contacts.settings;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.opencrm.platform.web.InvalidRequestException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * The tenant's settings: the phone region each tenant reads local numbers in (cached because every phone
 * write and lookup needs it) and whether unknown callers get a card.
 */
@Component
public class TenantRegions {

    private final MongoTemplate mongo;
    private final ContactsProperties properties;
    private final Map<String, String> cache = new ConcurrentHashMap<>();

    TenantRegions(MongoTemplate mongo, ContactsProperties properties) {
        this.mongo = mongo;
        this.properties = properties;
    }

    public String regionOf(String tenantId) {
        return cache.computeIfAbsent(tenantId, id -> {
            var settings = mongo.findById(id, TenantSettings.class);
            return settings == null || settings.defaultRegion() == null
                    ? properties.defaultRegion()
                    : settings.defaultRegion();
        });
    }

    /** Whether the telephony webhook creates a card for a caller no card has the number of. */
    public boolean createsCardsForUnknownCallers(String tenantId) {
        var settings = mongo.findById(tenantId, TenantSettings.class);
        return settings != null && Boolean.TRUE.equals(settings.createCardsForUnknownCallers());
    }

    /** Changes the given settings; a null value keeps the current one. */
    TenantSettings change(String tenantId, String region, Boolean createCardsForUnknownCallers) {
        var stored = mongo.findById(tenantId, TenantSettings.class);
        String normalized = region == null ? regionOf(tenantId) : region.trim().toUpperCase(Locale.ROOT);
        if (!PhoneNumberUtil.getInstance().getSupportedRegions().contains(normalized)) {
            throw new InvalidRequestException("defaultRegion", "must be an ISO 3166 region code such as DE or RU");
        }
        Boolean unknownCallers = createCardsForUnknownCallers != null
                ? createCardsForUnknownCallers
                : stored == null ? null : stored.createCardsForUnknownCallers();
        var settings = mongo.save(new TenantSettings(tenantId, normalized, unknownCallers));
        cache.remove(tenantId);
        return settings;
    }

    TenantSettings current(String tenantId) {
        return new TenantSettings(tenantId, regionOf(tenantId), createsCardsForUnknownCallers(tenantId));
    }
}
