package org.opencrm.contacts.card;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The editable content of a card, already normalised (E.164 phones, case-folded e-mails, typed custom values).
 * Requests are turned into this at the edge; the aggregate only ever sees valid data.
 */
record ContactData(
        ContactKind kind,
        String firstName,
        String lastName,
        String name,
        List<Phone> phones,
        List<String> emails,
        String website,
        String city,
        String address,
        String companyId,
        String notes,
        String ownerId,
        String departmentId,
        String source,
        List<String> tags,
        LocalDate birthday,
        Boolean consentEmail,
        Boolean consentSms,
        Map<String, Object> customValues) {

    ContactData {
        phones = phones == null ? List.of() : List.copyOf(phones);
        emails = emails == null ? List.of() : List.copyOf(emails);
        tags = tags == null ? List.of() : List.copyOf(tags);
        customValues = customValues == null ? Map.of() : Map.copyOf(customValues);
    }

    String displayName() {
        if (kind == ContactKind.COMPANY) {
            return name;
        }
        String joined = ((firstName == null ? "" : firstName) + " " + (lastName == null ? "" : lastName)).trim();
        return joined.isEmpty() ? name : joined;
    }

    /** Field name to value, the unit of change for {@code ContactUpdated.changedFields} and the audit trail. */
    Map<String, Object> fields() {
        var fields = new LinkedHashMap<String, Object>();
        fields.put("kind", kind);
        fields.put("firstName", firstName);
        fields.put("lastName", lastName);
        fields.put("name", name);
        fields.put("phones", phones);
        fields.put("emails", emails);
        fields.put("website", website);
        fields.put("city", city);
        fields.put("address", address);
        fields.put("companyId", companyId);
        fields.put("notes", notes);
        fields.put("ownerId", ownerId);
        fields.put("departmentId", departmentId);
        fields.put("source", source);
        fields.put("tags", tags);
        fields.put("birthday", birthday);
        fields.put("consent.email", consentEmail);
        fields.put("consent.sms", consentSms);
        customValues.forEach((key, value) -> fields.put("cf." + key, value));
        return fields;
    }
}
