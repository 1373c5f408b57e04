package org.opencrm.contacts.settings;

import org.opencrm.platform.security.CurrentUser;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The tenant's contacts settings. Changing the region affects numbers read from then on; stored numbers
 * are already E.164 and stay as they are.
 */
@RestController
class TenantSettingsController {

    record SettingsView(String defaultRegion, boolean createCardsForUnknownCallers) {}

    record SettingsRequest(String defaultRegion, Boolean createCardsForUnknownCallers) {}

    private final TenantRegions regions;

    TenantSettingsController(TenantRegions regions) {
        this.regions = regions;
    }

    @GetMapping("/api/contacts/settings")
    SettingsView get(CurrentUser user) {
        return view(regions.current(user.tenantId()));
    }

    @PutMapping("/api/contacts/settings")
    @PreAuthorize("hasRole('ADMIN')")
    SettingsView put(@RequestBody SettingsRequest request, CurrentUser user) {
        return view(regions.change(user.tenantId(), request.defaultRegion(), request.createCardsForUnknownCallers()));
    }

    private static SettingsView view(TenantSettings settings) {
        return new SettingsView(settings.defaultRegion(), Boolean.TRUE.equals(settings.createCardsForUnknownCallers()));
    }
}
