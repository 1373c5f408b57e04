package org.opencrm.contacts.settings;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param defaultRegion region for phone numbers without a country code when a tenant has not chosen one
 * @param duplicateScanInterval how often the background scan looks for duplicates among existing cards
 */
@ConfigurationProperties("crm.contacts")
public record ContactsProperties(String defaultRegion, Duration duplicateScanInterval) {

    public ContactsProperties {
        defaultRegion = defaultRegion == null || defaultRegion.isBlank() ? "RU" : defaultRegion;
        duplicateScanInterval = duplicateScanInterval == null ? Duration.ofHours(1) : duplicateScanInterval;
    }
}
