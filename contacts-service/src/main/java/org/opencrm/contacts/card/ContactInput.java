package org.opencrm.contacts.card;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A card as a client writes it: the body of a create, and the document a merge patch is applied to.
 * Strictly typed, so an operator object such as {@code {"$ne": ""}} in any field is a 400. Custom values
 * arrive as JSON and are checked against the tenant's definitions ({@link CustomFields}).
 */
record ContactInput(
        @NotNull ContactKind kind,
        @Size(max = 100) String firstName,
        @Size(max = 100) String lastName,
        @Size(max = 200) String name,
        @Size(max = 20) List<@Valid @NotNull PhoneInput> phones,
        @Size(max = 20) List<@NotBlank @Size(max = 254) String> emails,
        @Size(max = 500) String website,
        @Size(max = 100) String city,
        @Size(max = 500) String address,
        @Size(max = 64) String companyId,
        @Size(max = 10000) String notes,
        @Size(max = 64) String ownerId,
        @Size(max = 64) String departmentId,
        @Size(max = 64) String source,
        @Size(max = 50) List<@NotBlank @Size(max = 50) String> tags,
        LocalDate birthday,
        @Valid ConsentInput consent,
        @Size(max = 100) Map<String, JsonNode> customFields) {

    record PhoneInput(@NotBlank @Size(max = 40) String number, PhoneType type) {}

    record ConsentInput(Boolean email, Boolean sms) {}
}
