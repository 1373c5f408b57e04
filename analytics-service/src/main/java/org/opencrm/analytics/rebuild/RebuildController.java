package org.opencrm.analytics.rebuild;

import org.opencrm.platform.security.CurrentUser;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Starts a rebuild of the projections by replay, and shows its progress. Administrators only. The projections
 * are the installation's (one replay rebuilds every tenant's figures, while queries keep answering from the
 * current version), so any tenant's administrator may start it once no other runs; only the starter's own
 * tenant sees who started it.
 */
@RestController
@RequestMapping("/api/analytics/rebuild")
@PreAuthorize("hasRole('ADMIN')")
class RebuildController {

    private final RebuildService rebuilds;

    RebuildController(RebuildService rebuilds) {
        this.rebuilds = rebuilds;
    }

    /** 202: the replay runs in the background; GET shows how far it got. 409 while another one runs. */
    @PostMapping
    ResponseEntity<RebuildStatus> start(CurrentUser user) {
        return ResponseEntity.accepted()
                .header("Location", "/api/analytics/rebuild")
                .body(rebuilds.start(user.userId(), user.tenantId()));
    }

    @GetMapping
    RebuildStatus status(CurrentUser user) {
        return rebuilds.status(user.tenantId());
    }
}
