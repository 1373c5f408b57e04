package org.opencrm.contacts.card;

import org.opencrm.platform.security.CurrentUser;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class DuplicateController {

    record ScanResult(int candidatesFound) {}

    private final ContactQueries queries;
    private final DuplicateScan scan;

    DuplicateController(ContactQueries queries, DuplicateScan scan) {
        this.queries = queries;
        this.scan = scan;
    }

    @GetMapping("/api/contacts/duplicates")
    Page<ContactQueries.CandidateView> list(
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer size,
            CurrentUser user) {
        return queries.duplicateCandidates(cursor, size, user);
    }

    /** Runs the background scan for the caller's tenant now, e.g. after an import. */
    @PostMapping("/api/contacts/duplicates/scan")
    @PreAuthorize("hasRole('ADMIN')")
    ScanResult scan(CurrentUser user) {
        return new ScanResult(scan.scanTenant(user.tenantId()));
    }
}
