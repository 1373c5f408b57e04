package org.opencrm.contacts.lead;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.NotFoundException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Website form keys of the tenant, managed by administrators. */
@RestController
@RequestMapping("/api/leads/form-keys")
@PreAuthorize("hasRole('ADMIN')")
class FormKeyController {

    record FormKeyRequest(
            @NotBlank @Size(max = 100) String name,
            @Size(max = 64) String formId,
            @Size(max = 64) String source,
            @Size(max = 64) String departmentId) {}

    /** {@code key} is filled only in the answer to the creation: it is not stored and cannot be shown again. */
    record FormKeyView(
            String id,
            String name,
            String prefix,
            String formId,
            String source,
            String departmentId,
            Instant createdAt,
            String createdBy,
            String key) {

        static FormKeyView of(FormKey k, String key) {
            return new FormKeyView(
                    k.keyId(),
                    k.name(),
                    k.prefix(),
                    k.formId(),
                    k.source(),
                    k.departmentId(),
                    k.createdAt(),
                    k.createdBy(),
                    key);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final MongoTemplate mongo;

    FormKeyController(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    FormKeyView create(@Valid @RequestBody FormKeyRequest request, CurrentUser user) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String key = "fk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        var formKey = mongo.insert(new FormKey(
                FormKeys.hash(key),
                UUID.randomUUID().toString(),
                user.tenantId(),
                request.name().trim(),
                key.substring(0, 8),
                request.formId(),
                request.source(),
                request.departmentId(),
                Instant.now(),
                user.userId()));
        return FormKeyView.of(formKey, key);
    }

    @GetMapping
    List<FormKeyView> list(CurrentUser user) {
        var query = new Query(where("tenantId").is(user.tenantId())).with(Sort.by("createdAt"));
        return mongo.find(query, FormKey.class).stream()
                .map(k -> FormKeyView.of(k, null))
                .toList();
    }

    /** Revokes the key: posts with it answer 401 from now on. */
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revoke(@PathVariable String id, CurrentUser user) {
        var removed = mongo.remove(
                new Query(where("tenantId").is(user.tenantId()).and("keyId").is(id)), FormKey.class);
        if (removed.getDeletedCount() == 0) {
            throw NotFoundException.of("form key", id);
        }
    }
}
