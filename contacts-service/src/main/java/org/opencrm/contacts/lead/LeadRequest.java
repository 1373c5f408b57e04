package org.opencrm.contacts.lead;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;

/** A lead as a website form or an integration posts it. */
record LeadRequest(
        @Size(max = 200) String name,
        @Size(max = 40) String phone,
        @Size(max = 254) String email,
        @Size(max = 5000) String message,
        @Size(max = 64) String source,
        @Valid UtmInput utm,
        @Size(max = 64) String formId,
        @Size(max = 64) String departmentId) {

    record UtmInput(
            @Size(max = 200) String source,
            @Size(max = 200) String medium,
            @Size(max = 200) String campaign,
            @Size(max = 200) String term,
            @Size(max = 200) String content) {}
}
