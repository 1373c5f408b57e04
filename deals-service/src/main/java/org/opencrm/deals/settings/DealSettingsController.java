package org.opencrm.deals.settings;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.ETags;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/deal-settings")
class DealSettingsController {

    private final DealSettingsService service;

    DealSettingsController(DealSettingsService service) {
        this.service = service;
    }

    record LossReasonRequest(
            @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,39}") String key,

            @NotBlank @Size(max = 200) String name) {}

    record SettingsRequest(
            @NotEmpty @Size(max = 100) List<@Valid @NotNull LossReasonRequest> lossReasons,
            @Size(max = 200) String companyName,
            @Size(max = 2000) String paymentDetails) {}

    record SettingsView(List<DealSettings.LossReason> lossReasons, String companyName, String paymentDetails) {

        static SettingsView of(DealSettings s) {
            return new SettingsView(s.lossReasons(), s.companyName(), s.paymentDetails());
        }
    }

    @GetMapping
    ResponseEntity<SettingsView> get(CurrentUser user) {
        var settings = service.of(user.tenantId());
        var response = ResponseEntity.ok();
        if (settings.version() != null) {
            response.eTag(ETags.of(settings.version()));
        }
        return response.body(SettingsView.of(settings));
    }

    @PutMapping
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<SettingsView> replace(
            @RequestHeader(name = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody SettingsRequest request,
            CurrentUser user) {
        var saved = service.replace(user.tenantId(), ifMatch, request);
        return ResponseEntity.ok().eTag(ETags.of(saved.version())).body(SettingsView.of(saved));
    }
}
