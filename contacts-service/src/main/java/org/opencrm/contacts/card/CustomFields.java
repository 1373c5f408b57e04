package org.opencrm.contacts.card;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.net.URI;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.opencrm.platform.web.ConflictException;
import org.opencrm.platform.web.FieldViolation;
import org.opencrm.platform.web.InvalidRequestException;
import org.opencrm.platform.web.NotFoundException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The tenant's custom field definitions and the check of every value written against them. Values are
 * stored typed: TEXT, ENUM, URL as strings, PHONE in E.164, EMAIL case-folded, NUMBER as a double, DATE as
 * {@code yyyy-MM-dd} (which sorts as text), BOOLEAN as a boolean, MULTI_ENUM as a list of strings.
 */
@Component
class CustomFields {

    static final Pattern KEY = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,39}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final MongoTemplate mongo;
    private final PhoneNumbers phoneNumbers;

    CustomFields(MongoTemplate mongo, PhoneNumbers phoneNumbers) {
        this.mongo = mongo;
        this.phoneNumbers = phoneNumbers;
    }

    List<CustomFieldDefinition> all(String tenantId) {
        return mongo.find(new Query(where("tenantId").is(tenantId)).with(Sort.by("key")), CustomFieldDefinition.class);
    }

    Optional<CustomFieldDefinition> find(String tenantId, String key) {
        if (!KEY.matcher(key).matches()) {
            return Optional.empty();
        }
        return Optional.ofNullable(
                mongo.findById(CustomFieldDefinition.idOf(tenantId, key), CustomFieldDefinition.class));
    }

    CustomFieldDefinition define(String tenantId, CustomFieldRequest request, boolean replace) {
        var errors = new ArrayList<FieldViolation>();
        if (request.key() == null || !KEY.matcher(request.key()).matches()) {
            errors.add(new FieldViolation("key", "must be a letter followed by up to 39 letters, digits or _"));
        }
        if (request.type() == null) {
            errors.add(new FieldViolation("type", "must not be null"));
        }
        if (request.options() != null && request.options().stream().anyMatch(o -> o == null || o.isBlank())) {
            errors.add(new FieldViolation("options", "must not contain empty or null values"));
        }
        List<String> options = request.options() == null
                ? List.of()
                : request.options().stream()
                        .filter(o -> o != null && !o.isBlank())
                        .distinct()
                        .toList();
        boolean enumType = request.type() == CustomFieldType.ENUM || request.type() == CustomFieldType.MULTI_ENUM;
        if (enumType && options.isEmpty()) {
            errors.add(new FieldViolation("options", "must list the allowed values of an ENUM or MULTI_ENUM field"));
        }
        if (!enumType && !options.isEmpty()) {
            errors.add(new FieldViolation("options", "only ENUM and MULTI_ENUM fields have options"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        var definition = new CustomFieldDefinition(
                CustomFieldDefinition.idOf(tenantId, request.key()),
                tenantId,
                request.key(),
                request.label() == null ? request.key() : request.label(),
                request.type(),
                Boolean.TRUE.equals(request.required()),
                options);
        if (replace) {
            return mongo.save(definition);
        }
        if (find(tenantId, request.key()).isPresent()) {
            throw new ConflictException("A custom field with key " + request.key() + " exists already.");
        }
        return mongo.insert(definition);
    }

    void delete(String tenantId, String key) {
        var definition = find(tenantId, key).orElseThrow(() -> NotFoundException.of("custom field", key));
        mongo.remove(definition);
    }

    /**
     * Checks the values of a write against the definitions: unknown keys, wrong types, options not offered
     * and missing required fields are each named in the 400 ({@code customFields.<key>}).
     */
    Map<String, Object> validate(String tenantId, Map<String, JsonNode> values) {
        return validate(tenantId, values, all(tenantId));
    }

    /** {@link #validate(String, Map)} against definitions read once for many writes (an import batch). */
    Map<String, Object> validate(String tenantId, Map<String, JsonNode> values, List<CustomFieldDefinition> all) {
        var definitions = new LinkedHashMap<String, CustomFieldDefinition>();
        all.forEach(d -> definitions.put(d.key(), d));
        var errors = new ArrayList<FieldViolation>();
        var result = new LinkedHashMap<String, Object>();
        Map<String, JsonNode> given = values == null ? Map.of() : values;
        given.forEach((key, node) -> {
            String field = "customFields." + key;
            var definition = definitions.get(key);
            if (definition == null) {
                errors.add(new FieldViolation(field, "is not a custom field of this tenant"));
                return;
            }
            if (node == null || node.isNull()) {
                return;
            }
            convert(tenantId, definition, node)
                    .ifPresentOrElse(
                            value -> result.put(key, value),
                            () -> errors.add(new FieldViolation(field, expected(definition))));
        });
        definitions.values().stream()
                .filter(CustomFieldDefinition::required)
                .filter(d -> given.get(d.key()) == null || given.get(d.key()).isNull())
                .forEach(d -> errors.add(new FieldViolation("customFields." + d.key(), "is required")));
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return result;
    }

    /** A query parameter's text as the stored value of the field, for {@code cf.<key>=} filters. */
    Optional<Object> filterValue(String tenantId, CustomFieldDefinition definition, String text) {
        return switch (definition.type()) {
            case NUMBER -> parseDouble(text).map(Object.class::cast);
            case BOOLEAN ->
                "true".equals(text) || "false".equals(text)
                        ? Optional.of(Boolean.parseBoolean(text))
                        : Optional.empty();
            case MULTI_ENUM, ENUM -> definition.options().contains(text) ? Optional.of(text) : Optional.empty();
            case PHONE -> phoneNumbers.e164(tenantId, text).map(Object.class::cast);
            case EMAIL -> Optional.of(Names.lower(text));
            case DATE -> parseDate(text).map(Object.class::cast);
            case TEXT, URL -> Optional.of(text);
        };
    }

    private Optional<Object> convert(String tenantId, CustomFieldDefinition definition, JsonNode node) {
        return switch (definition.type()) {
            case TEXT ->
                node.isString() && node.asString().length() <= 2000 ? Optional.of(node.asString()) : Optional.empty();
            case NUMBER ->
                node.isNumber() && Double.isFinite(node.asDouble()) ? Optional.of(node.asDouble()) : Optional.empty();
            case BOOLEAN -> node.isBoolean() ? Optional.of(node.asBoolean()) : Optional.empty();
            case DATE -> node.isString() ? parseDate(node.asString()).map(Object.class::cast) : Optional.empty();
            case ENUM ->
                node.isString() && definition.options().contains(node.asString())
                        ? Optional.of(node.asString())
                        : Optional.empty();
            case MULTI_ENUM -> multiEnum(definition, node);
            case PHONE ->
                node.isString()
                        ? phoneNumbers.e164(tenantId, node.asString()).map(Object.class::cast)
                        : Optional.empty();
            case EMAIL ->
                node.isString() && EMAIL.matcher(node.asString().trim()).matches()
                        ? Optional.of(Names.lower(node.asString()))
                        : Optional.empty();
            case URL -> node.isString() && isUrl(node.asString()) ? Optional.of(node.asString()) : Optional.empty();
        };
    }

    private static Optional<Object> multiEnum(CustomFieldDefinition definition, JsonNode node) {
        if (!node.isArray()) {
            return Optional.empty();
        }
        var values = new ArrayList<String>();
        for (JsonNode item : node) {
            if (!item.isString() || !definition.options().contains(item.asString())) {
                return Optional.empty();
            }
            if (!values.contains(item.asString())) {
                values.add(item.asString());
            }
        }
        return Optional.of(values);
    }

    private static String expected(CustomFieldDefinition definition) {
        return switch (definition.type()) {
            case TEXT -> "must be a text of at most 2000 characters";
            case NUMBER -> "must be a number";
            case BOOLEAN -> "must be true or false";
            case DATE -> "must be a date (yyyy-MM-dd)";
            case ENUM -> "must be one of " + definition.options();
            case MULTI_ENUM -> "must be a list of values from " + definition.options();
            case PHONE -> "must be a valid phone number";
            case EMAIL -> "must be an e-mail address";
            case URL -> "must be an http or https URL";
        };
    }

    private static Optional<String> parseDate(String text) {
        try {
            return Optional.of(LocalDate.parse(text).toString());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Double> parseDouble(String text) {
        try {
            double value = Double.parseDouble(text);
            return Double.isFinite(value) ? Optional.of(value) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static boolean isUrl(String text) {
        try {
            var uri = URI.create(text.trim());
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
