package org.opencrm.contacts.card;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.opencrm.platform.security.CurrentUser;
import org.opencrm.platform.web.FieldViolation;
import org.opencrm.platform.web.InvalidRequestException;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Requests to {@link ContactData} at the edge: bean validation, phones to E.164, e-mails case-folded,
 * custom values checked, and JSON Merge Patch (RFC 7396) applied to a card's current representation.
 */
@Component
class ContactInputs {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final Validator validator;
    private final PhoneNumbers phoneNumbers;
    private final CustomFields customFields;
    private final JsonMapper strict;

    ContactInputs(Validator validator, PhoneNumbers phoneNumbers, CustomFields customFields, JsonMapper mapper) {
        this.validator = validator;
        this.phoneNumbers = phoneNumbers;
        this.customFields = customFields;
        this.strict = mapper.rebuild()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    ContactData toData(ContactInput input, CurrentUser user) {
        return toData(input, user, null);
    }

    /** With the tenant's custom field definitions read once by the caller; null reads them here. */
    ContactData toData(ContactInput input, CurrentUser user, List<CustomFieldDefinition> definitions) {
        var errors = new ArrayList<FieldViolation>();
        for (ConstraintViolation<ContactInput> violation : validator.validate(input)) {
            errors.add(new FieldViolation(path(violation), violation.getMessage()));
        }
        if (input.kind() == ContactKind.PERSON && blank(input.firstName()) && blank(input.lastName())) {
            errors.add(new FieldViolation("lastName", "a person needs a first or a last name"));
        }
        if (input.kind() == ContactKind.COMPANY && blank(input.name())) {
            errors.add(new FieldViolation("name", "a company needs a name"));
        }
        var phones = new ArrayList<Phone>();
        var seenPhones = new LinkedHashSet<String>();
        List<ContactInput.PhoneInput> phoneInputs = input.phones() == null ? List.of() : input.phones();
        for (int i = 0; i < phoneInputs.size(); i++) {
            var phone = phoneInputs.get(i);
            if (phone == null || phone.number() == null) {
                continue;
            }
            var e164 = phoneNumbers.e164(user.tenantId(), phone.number());
            if (e164.isEmpty()) {
                errors.add(new FieldViolation("phones[" + i + "].number", "is not a valid phone number"));
            } else if (seenPhones.add(e164.get())) {
                phones.add(new Phone(e164.get(), phone.type() == null ? PhoneType.OTHER : phone.type()));
            }
        }
        var emails = new LinkedHashSet<String>();
        List<String> emailInputs = input.emails() == null ? List.of() : input.emails();
        for (int i = 0; i < emailInputs.size(); i++) {
            String email = emailInputs.get(i);
            if (email == null) {
                continue;
            }
            if (!EMAIL.matcher(email.trim()).matches()) {
                errors.add(new FieldViolation("emails[" + i + "]", "is not an e-mail address"));
            } else {
                emails.add(Names.lower(email));
            }
        }
        if (input.website() != null && !CustomFields.isUrl(input.website())) {
            errors.add(new FieldViolation("website", "must be an http or https URL"));
        }
        Map<String, Object> custom = Map.of();
        try {
            custom = definitions == null
                    ? customFields.validate(user.tenantId(), input.customFields())
                    : customFields.validate(user.tenantId(), input.customFields(), definitions);
        } catch (InvalidRequestException e) {
            @SuppressWarnings("unchecked")
            var violations = (List<FieldViolation>) e.getBody().getProperties().get("errors");
            errors.addAll(violations);
        }
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparing(v -> v.field() == null ? "" : v.field()));
            throw new InvalidRequestException(errors);
        }
        var tags = input.tags() == null
                ? List.<String>of()
                : List.copyOf(new LinkedHashSet<>(
                        input.tags().stream().map(String::trim).toList()));
        return new ContactData(
                input.kind(),
                trim(input.firstName()),
                trim(input.lastName()),
                trim(input.name()),
                phones,
                List.copyOf(emails),
                trim(input.website()),
                trim(input.city()),
                trim(input.address()),
                trim(input.companyId()),
                input.notes(),
                trim(input.ownerId()),
                trim(input.departmentId()),
                trim(input.source()),
                tags,
                input.birthday(),
                input.consent() == null ? null : input.consent().email(),
                input.consent() == null ? null : input.consent().sms(),
                custom);
    }

    /** RFC 7396 applied to the card's input form, then read strictly like a create body. */
    ContactInput patch(ContactData current, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw new InvalidRequestException(null, "a merge patch must be a JSON object");
        }
        JsonNode merged = merge(strict.valueToTree(toInput(current)), patch);
        try {
            return strict.treeToValue(merged, ContactInput.class);
        } catch (JacksonException e) {
            // Same answer as a create body with the same mistake: the platform names the field.
            throw new HttpMessageNotReadableException("merge patch does not fit a card", e, null);
        }
    }

    static ContactInput toInput(ContactData data) {
        var custom = new LinkedHashMap<String, JsonNode>();
        data.customValues()
                .forEach((key, value) -> custom.put(key, JsonMapper.shared().valueToTree(value)));
        return new ContactInput(
                data.kind(),
                data.firstName(),
                data.lastName(),
                data.name(),
                data.phones().stream()
                        .map(p -> new ContactInput.PhoneInput(p.number(), p.type()))
                        .toList(),
                data.emails(),
                data.website(),
                data.city(),
                data.address(),
                data.companyId(),
                data.notes(),
                data.ownerId(),
                data.departmentId(),
                data.source(),
                data.tags(),
                data.birthday(),
                new ContactInput.ConsentInput(data.consentEmail(), data.consentSms()),
                custom);
    }

    private static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode result = target != null && target.isObject()
                ? ((ObjectNode) target).deepCopy()
                : JsonMapper.shared().createObjectNode();
        for (Map.Entry<String, JsonNode> entry : patch.properties()) {
            if (entry.getValue().isNull()) {
                result.remove(entry.getKey());
            } else {
                result.set(entry.getKey(), merge(result.get(entry.getKey()), entry.getValue()));
            }
        }
        return result;
    }

    private static String path(ConstraintViolation<?> violation) {
        // "phones[0].number" as the client wrote it; Hibernate Validator adds "<list element>" nodes.
        return violation
                .getPropertyPath()
                .toString()
                .replace(".<list element>", "")
                .replace("<list element>", "");
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private static String trim(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
