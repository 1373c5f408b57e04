package org.opencrm.contacts.segment;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.opencrm.contacts.card.ContactFilter;
import org.opencrm.contacts.card.ContactSearch;
import org.opencrm.contacts.card.ContactView;
import org.opencrm.contacts.card.Page;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.ETags;
import org.opencrm.platform.web.NotFoundException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Segments: saved card filters shared by the tenant, with a live member count and a paged member list
 * (notifications reads them with an INTEGRATION token for campaign sends). Every reader sees only the
 * members their visibility allows, so a segment never widens what a user sees.
 */
@RestController
@RequestMapping("/api/contacts/segments")
class SegmentController {

    static final String EDITORS = "hasAnyRole('ADMIN', 'HEAD', 'MANAGER')";

    /** {@code filter}: search parameters as name to value, e.g. {@code {"tag": "vip", "cf.budget": "100"}}. */
    record SegmentRequest(
            @NotBlank @Size(max = 200) String name,
            @NotNull @Size(max = 30) Map<@NotBlank @Size(max = 60) String, @NotNull @Size(max = 200) String> filter) {}

    record SegmentView(
            String id,
            String name,
            Map<String, String> filter,
            String createdBy,
            Instant createdAt,
            Instant updatedAt) {

        static SegmentView of(Segment s) {
            return new SegmentView(s.id(), s.name(), s.filterParams(), s.createdBy(), s.createdAt(), s.updatedAt());
        }
    }

    record CountView(String segmentId, long members) {}

    private final MongoTemplate mongo;
    private final ContactSearch search;

    SegmentController(MongoTemplate mongo, ContactSearch search) {
        this.mongo = mongo;
        this.search = search;
    }

    @PostMapping
    @PreAuthorize(EDITORS)
    ResponseEntity<SegmentView> create(@Valid @RequestBody SegmentRequest request, CurrentUser user) {
        var filter = checked(request, user);
        Instant now = Instant.now();
        var segment = mongo.insert(new Segment(
                UUID.randomUUID().toString(),
                user.tenantId(),
                request.name().trim(),
                Segment.params(filter.toParams()),
                user.userId(),
                now,
                now,
                null));
        return ResponseEntity.created(URI.create("/api/contacts/segments/" + segment.id()))
                .eTag(ETags.of(segment.version()))
                .body(SegmentView.of(segment));
    }

    @GetMapping
    List<SegmentView> list(CurrentUser user) {
        return mongo
                .find(new Query(where("tenantId").is(user.tenantId())).with(Sort.by("name")), Segment.class)
                .stream()
                .map(SegmentView::of)
                .toList();
    }

    @GetMapping("/{id}")
    ResponseEntity<SegmentView> get(@PathVariable String id, CurrentUser user) {
        var segment = load(id, user);
        return ResponseEntity.ok().eTag(ETags.of(segment.version())).body(SegmentView.of(segment));
    }

    @PutMapping("/{id}")
    @PreAuthorize(EDITORS)
    ResponseEntity<SegmentView> replace(
            @PathVariable String id,
            @Valid @RequestBody SegmentRequest request,
            @RequestHeader(name = "If-Match", required = false) String ifMatch,
            CurrentUser user) {
        var segment = load(id, user);
        ETags.checkIfMatch(ifMatch, segment.version());
        var filter = checked(request, user);
        var saved = mongo.save(new Segment(
                segment.id(),
                segment.tenantId(),
                request.name().trim(),
                Segment.params(filter.toParams()),
                segment.createdBy(),
                segment.createdAt(),
                Instant.now(),
                segment.version()));
        return ResponseEntity.ok().eTag(ETags.of(saved.version())).body(SegmentView.of(saved));
    }

    @DeleteMapping("/{id}")
    @PreAuthorize(EDITORS)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String id, CurrentUser user) {
        mongo.remove(load(id, user));
    }

    /** The number of members the caller sees, counted now. */
    @GetMapping("/{id}/count")
    CountView count(@PathVariable String id, CurrentUser user) {
        var segment = load(id, user);
        return new CountView(segment.id(), search.count(filterOf(segment), user));
    }

    /** The members, paged like search ({@code sort}, {@code cursor}, {@code size}). */
    @GetMapping("/{id}/members")
    Page<ContactView> members(
            @PathVariable String id,
            @RequestParam(required = false) String sort,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) Integer size,
            CurrentUser user) {
        return search.page(filterOf(load(id, user)), sort, cursor, size, user);
    }

    private ContactFilter checked(SegmentRequest request, CurrentUser user) {
        var filter = ContactFilter.fromParams(request.filter(), Set.of());
        search.validate(filter, user);
        return filter;
    }

    private static ContactFilter filterOf(Segment segment) {
        return ContactFilter.fromParams(segment.filterParams(), Set.of());
    }

    private Segment load(String id, CurrentUser user) {
        var segment = mongo.findById(id, Segment.class);
        if (segment == null || !segment.tenantId().equals(user.tenantId())) {
            throw NotFoundException.of("segment", id);
        }
        return segment;
    }
}
