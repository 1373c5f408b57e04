package org.opencrm.contacts.settings;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.opencrm.platform.web.InvalidRequestException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/** The phone region each tenant reads local numbers in, cached because every phone write and lookup needs it. */
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

    TenantSettings change(String tenantId, String region) {
        String normalized = region == null ? "" : region.trim().toUpperCase(Locale.ROOT);
        if (!PhoneNumberUtil.getInstance().getSupportedRegions().contains(normalized)) {
            throw new InvalidRequestException("defaultRegion", "must be an ISO 3166 region code such as DE or RU");
        }
        var settings = mongo.save(new TenantSettings(tenantId, normalized));
        cache.remove(tenantId);
        return settings;
    }

    TenantSettings current(String tenantId) {
        return new TenantSettings(tenantId, regionOf(tenantId));
    }
}
