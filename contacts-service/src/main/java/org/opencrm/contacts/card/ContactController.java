package org.opencrm.contacts.card;

import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.ETags;
import org.opencrm.platform.web.InvalidRequestException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/contacts")
class ContactController {

    static final String WRITERS = "hasAnyRole('ADMIN', 'HEAD', 'MANAGER', 'OPERATOR', 'INTEGRATION')";

    private static final Set<String> PAGE_PARAMS = Set.of("sort", "cursor", "size");

    private final ContactService service;
    private final ContactQueries queries;

    ContactController(ContactService service, ContactQueries queries) {
        this.service = service;
        this.queries = queries;
    }

    @PostMapping
    @PreAuthorize(WRITERS)
    ResponseEntity<ContactView> create(
            @RequestBody ContactInput input,
            @RequestParam(defaultValue = "false") boolean allowDuplicate,
            CurrentUser user) {
        Contact contact = service.create(input, allowDuplicate, user);
        return ResponseEntity.created(URI.create("/api/contacts/" + contact.getId()))
                .eTag(ETags.of(contact.getVersion()))
                .body(ContactView.of(contact));
    }

    @GetMapping("/{id}")
    ResponseEntity<ContactView> get(@PathVariable String id, CurrentUser user) {
        Contact contact = service.loadForCall(id, user);
        var persons = contact.kind() == ContactKind.COMPANY ? service.contactPersons(contact, user) : null;
        return ResponseEntity.ok().eTag(ETags.of(contact.getVersion())).body(ContactView.of(contact, persons));
    }

    @PatchMapping(
            path = "/{id}",
            consumes = {"application/merge-patch+json", "application/json"})
    @PreAuthorize(WRITERS)
    ResponseEntity<ContactView> patch(
            @PathVariable String id,
            @RequestBody JsonNode patch,
            @RequestHeader(name = "If-Match", required = false) String ifMatch,
            @RequestParam(defaultValue = "false") boolean allowDuplicate,
            CurrentUser user) {
        Contact contact = service.update(id, patch, ifMatch, allowDuplicate, user);
        return ResponseEntity.ok().eTag(ETags.of(contact.getVersion())).body(ContactView.of(contact));
    }

    /** Archives: hidden from lists and lookups, readable by administrators, restorable. */
    @DeleteMapping("/{id}")
    @PreAuthorize("hasAnyRole('ADMIN', 'HEAD', 'MANAGER')")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void archive(
            @PathVariable String id,
            @RequestHeader(name = "If-Match", required = false) String ifMatch,
            CurrentUser user) {
        service.archive(id, ifMatch, user);
    }

    @PostMapping("/{id}/restore")
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<ContactView> restore(@PathVariable String id, CurrentUser user) {
        Contact contact = service.restore(id, user);
        return ResponseEntity.ok().eTag(ETags.of(contact.getVersion())).body(ContactView.of(contact));
    }

    @PostMapping("/{id}/erase")
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<ContactView> erase(@PathVariable String id, CurrentUser user) {
        Contact contact = service.erase(id, user);
        return ResponseEntity.ok().eTag(ETags.of(contact.getVersion())).body(ContactView.of(contact));
    }

    @PostMapping("/{id}/merge")
    @PreAuthorize("hasAnyRole('ADMIN', 'HEAD', 'MANAGER')")
    ResponseEntity<ContactView> merge(
            @PathVariable String id, @Valid @RequestBody MergeRequest request, CurrentUser user) {
        Contact survivor = service.merge(id, request, user);
        return ResponseEntity.ok().eTag(ETags.of(survivor.getVersion())).body(ContactView.of(survivor));
    }

    @GetMapping
    Page<ContactView> search(@RequestParam Map<String, String> params, CurrentUser user) {
        var filter = ContactFilter.fromParams(params, PAGE_PARAMS);
        Integer size = null;
        if (params.get("size") != null) {
            try {
                size = Integer.valueOf(params.get("size"));
            } catch (NumberFormatException e) {
                throw new InvalidRequestException("size", "must be a number");
            }
        }
        return queries.search(filter.toSearch(params.get("sort"), params.get("cursor"), size), user);
    }

    @GetMapping("/lookup")
    List<LookupResult> lookup(@RequestParam String phone, CurrentUser user) {
        return queries.lookup(phone, user);
    }

    @PostMapping("/{id}/interactions")
    @PreAuthorize(WRITERS)
    ResponseEntity<Interaction> logInteraction(
            @PathVariable String id, @Valid @RequestBody InteractionInput input, CurrentUser user) {
        var interaction = service.logInteraction(id, input, user);
        return ResponseEntity.status(HttpStatus.CREATED).body(interaction);
    }

    @GetMapping("/{id}/timeline")
    Page<ContactQueries.TimelineItem> timeline(
            @PathVariable String id,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer size,
            CurrentUser user) {
        return queries.timeline(service.loadForCall(id, user), cursor, size, user);
    }

    @GetMapping("/{id}/audit")
    @PreAuthorize("hasAnyRole('ADMIN', 'HEAD', 'MANAGER', 'OPERATOR')")
    List<AuditEntry> audit(
            @PathVariable String id,
            @RequestParam(required = false) Integer page,
            @RequestParam(required = false) Integer size,
            CurrentUser user) {
        return queries.audit(service.load(id, user), page, size);
    }
}
