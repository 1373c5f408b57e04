package org.opencrm.contacts.transfer;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.opencrm.contacts.card.ContactFilter;
import org.opencrm.contacts.card.ContactSearch;
import org.opencrm.platform.security.CurrentUser;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * CSV export of the cards a search would find, streamed row by row from a database cursor: the response
 * starts before the last card is read and memory does not grow with the number of cards.
 */
@RestController
class ExportController {

    static final MediaType CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

    private final ContactSearch search;

    ExportController(ContactSearch search) {
        this.search = search;
    }

    @GetMapping(path = "/api/contacts/export", produces = "text/csv")
    @PreAuthorize("hasAnyRole('ADMIN', 'HEAD', 'MANAGER', 'INTEGRATION')")
    ResponseEntity<StreamingResponseBody> export(@RequestParam Map<String, String> params, CurrentUser user) {
        var filter = ContactFilter.fromParams(params, Set.of());
        // Bad filters answer 400 here, before the response is committed.
        search.validate(filter, user);
        var header = search.exportHeader(user.tenantId());
        StreamingResponseBody body = out -> {
            var writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
            var csv = new CsvWriter(writer);
            csv.row(header);
            try (var rows = search.exportRows(filter, header, user)) {
                rows.forEach(csv::row);
            }
            csv.flush();
        };
        return ResponseEntity.ok()
                .contentType(CSV)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"contacts.csv\"")
                .body(body);
    }
}
