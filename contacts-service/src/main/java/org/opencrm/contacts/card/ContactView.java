package org.opencrm.contacts.card;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** A card as the API shows it. {@code contactPersons} is filled for a company: the people working there. */
public record ContactView(
        String id,
        ContactKind kind,
        String displayName,
        String firstName,
        String lastName,
        String name,
        List<Phone> phones,
        List<String> emails,
        String website,
        String city,
        String address,
        String companyId,
        List<PersonRef> contactPersons,
        String notes,
        String ownerId,
        String departmentId,
        String source,
        List<String> tags,
        LocalDate birthday,
        Consent consent,
        Map<String, Object> customFields,
        boolean archived,
        boolean erased,
        List<String> mergedIds,
        long version,
        Instant createdAt,
        Instant updatedAt) {

    public record PersonRef(String id, String displayName) {}

    public record Consent(ConsentState email, ConsentState sms) {}

    static ContactView of(Contact c, List<PersonRef> contactPersons) {
        var d = c.data();
        return new ContactView(
                c.getId(),
                d.kind(),
                d.displayName(),
                d.firstName(),
                d.lastName(),
                d.name(),
                d.phones(),
                d.emails(),
                d.website(),
                d.city(),
                d.address(),
                d.companyId(),
                contactPersons,
                d.notes(),
                d.ownerId(),
                d.departmentId(),
                d.source(),
                d.tags(),
                d.birthday(),
                new Consent(c.consentEmail(), c.consentSms()),
                d.customValues(),
                c.isArchived(),
                c.isErased(),
                c.mergedIds(),
                c.getVersion(),
                c.createdAt(),
                c.updatedAt());
    }

    static ContactView of(Contact c) {
        return of(c, null);
    }
}
