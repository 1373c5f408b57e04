package org.opencrm.deals.document;

import com.mongodb.client.gridfs.model.GridFSFile;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.opencrm.deals.deal.DealService;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.NotFoundException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

@RestController
class DocumentController {

    private final DocumentService documents;
    private final DocumentStore store;
    private final DealService deals;

    DocumentController(DocumentService documents, DocumentStore store, DealService deals) {
        this.documents = documents;
        this.store = store;
        this.deals = deals;
    }

    record GenerateRequest(@NotBlank @Size(max = 100) String templateId) {}

    record DocumentView(
            String id, String templateId, String kind, String stage, String fileName, long size, Instant createdAt) {

        static DocumentView of(GridFSFile f) {
            var m = f.getMetadata();
            return new DocumentView(
                    f.getObjectId().toHexString(),
                    m.getString("templateId"),
                    m.getString("kind"),
                    m.getString("stage"),
                    f.getFilename(),
                    f.getLength(),
                    f.getUploadDate().toInstant());
        }
    }

    @PostMapping("/api/deals/{dealId}/documents")
    ResponseEntity<DocumentView> generate(
            @PathVariable String dealId,
            @RequestHeader(name = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody GenerateRequest request,
            CurrentUser user) {
        String id = documents.generate(dealId, request.templateId(), ifMatch, user);
        var file = store.find(user.tenantId(), dealId, id).orElseThrow();
        return ResponseEntity.created(URI.create("/api/deals/" + dealId + "/documents/" + id))
                .body(DocumentView.of(file));
    }

    @GetMapping("/api/deals/{dealId}/documents")
    List<DocumentView> list(@PathVariable String dealId, CurrentUser user) {
        deals.load(dealId, user);
        return store.ofDeal(user.tenantId(), dealId).stream()
                .map(DocumentView::of)
                .toList();
    }

    @GetMapping(path = "/api/deals/{dealId}/documents/{documentId}", produces = MediaType.APPLICATION_PDF_VALUE)
    ResponseEntity<byte[]> download(@PathVariable String dealId, @PathVariable String documentId, CurrentUser user) {
        deals.load(dealId, user);
        var file = store.find(user.tenantId(), dealId, documentId)
                .orElseThrow(() -> NotFoundException.of("document", documentId));
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_PDF)
                .header("Content-Disposition", "inline; filename=\"" + file.getFilename() + "\"")
                .body(store.content(file));
    }
}
