package org.opencrm.contacts.card;

import java.net.URI;
import java.util.List;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.InvalidRequestException;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The tenant's custom field definitions: everybody reads them (forms need them), administrators change them. */
@RestController
@RequestMapping("/api/contacts/custom-fields")
class CustomFieldController {

    record CustomFieldView(String key, String label, CustomFieldType type, boolean required, List<String> options) {
        static CustomFieldView of(CustomFieldDefinition d) {
            return new CustomFieldView(d.key(), d.label(), d.type(), d.required(), d.options());
        }
    }

    private final CustomFields fields;

    CustomFieldController(CustomFields fields) {
        this.fields = fields;
    }

    @GetMapping
    List<CustomFieldView> list(CurrentUser user) {
        return fields.all(user.tenantId()).stream().map(CustomFieldView::of).toList();
    }

    @PostMapping
    @PreAuthorize("hasRole('ADMIN')")
    ResponseEntity<CustomFieldView> create(@RequestBody CustomFieldRequest request, CurrentUser user) {
        var created = fields.define(user.tenantId(), request, false);
        return ResponseEntity.created(URI.create("/api/contacts/custom-fields/" + created.key()))
                .body(CustomFieldView.of(created));
    }

    @PutMapping("/{key}")
    @PreAuthorize("hasRole('ADMIN')")
    CustomFieldView replace(@PathVariable String key, @RequestBody CustomFieldRequest request, CurrentUser user) {
        if (request.key() != null && !request.key().equals(key)) {
            throw new InvalidRequestException("key", "must match the key in the path");
        }
        var body = new CustomFieldRequest(key, request.label(), request.type(), request.required(), request.options());
        return CustomFieldView.of(fields.define(user.tenantId(), body, true));
    }

    @DeleteMapping("/{key}")
    @PreAuthorize("hasRole('ADMIN')")
    @ResponseStatus(org.springframework.http.HttpStatus.NO_CONTENT)
    void delete(@PathVariable String key, CurrentUser user) {
        fields.delete(user.tenantId(), key);
    }
}
