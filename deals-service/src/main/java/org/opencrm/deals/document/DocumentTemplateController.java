package org.opencrm.deals.document;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.opencrm.events.deals.DocumentKind;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.ETags;
import org.opencrm.platform.web.NotFoundException;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/document-templates")
class DocumentTemplateController {

    private final MongoTemplate mongo;

    DocumentTemplateController(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    record TemplateRequest(
            @NotNull DocumentKind kind,
            @NotBlank @Size(max = 200) String name,
            @NotBlank @Size(max = 200_000) String html) {}

    record TemplateView(String id, DocumentKind kind, String name, String html, long version) {

        static TemplateView of(DocumentTemplate t) {
            return new TemplateView(t.id(), t.kind(), t.name(), t.html(), t.version());
        }
    }

    @GetMapping
    List<TemplateView> list(CurrentUser user) {
        return mongo.find(Query.query(Criteria.where("tenantId").is(user.tenantId())), DocumentTemplate.class).stream()
                .map(TemplateView::of)
                .toList();
    }

    @GetMapping("/{id}")
    ResponseEntity<TemplateView> get(@PathVariable String id, CurrentUser user) {
        return view(HttpStatus.OK, load(id, user));
    }

    @PostMapping
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<TemplateView> create(@Valid @RequestBody TemplateRequest request, CurrentUser user) {
        var saved = mongo.insert(new DocumentTemplate(
                UUID.randomUUID().toString(),
                user.tenantId(),
                request.kind(),
                request.name(),
                request.html(),
                Instant.now(),
                null));
        return view(HttpStatus.CREATED, saved);
    }

    @PutMapping("/{id}")
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<TemplateView> replace(
            @PathVariable String id,
            @RequestHeader(name = "If-Match", required = false) String ifMatch,
            @Valid @RequestBody TemplateRequest request,
            CurrentUser user) {
        var current = load(id, user);
        ETags.requireIfMatch(ifMatch, current.version());
        var saved = mongo.save(new DocumentTemplate(
                id, user.tenantId(), request.kind(), request.name(), request.html(), Instant.now(), current.version()));
        return view(HttpStatus.OK, saved);
    }

    private DocumentTemplate load(String id, CurrentUser user) {
        var template = mongo.findById(id, DocumentTemplate.class);
        if (template == null || !template.tenantId().equals(user.tenantId())) {
            throw NotFoundException.of("document template", id);
        }
        return template;
    }

    private static ResponseEntity<TemplateView> view(HttpStatus status, DocumentTemplate t) {
        return ResponseEntity.status(status).eTag(ETags.of(t.version())).body(TemplateView.of(t));
    }
}
