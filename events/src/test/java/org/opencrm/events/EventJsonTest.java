package org.opencrm.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every event survives the trip through Jackson 3 JSON, and the JSON it becomes is what its committed
 * schema (the one in the jar) says: the schemas are only worth publishing if they describe the bytes on
 * the topic, e.g. an {@code Instant} as an ISO-8601 string and an amount as an exact number.
 */
class EventJsonTest {

    /** Defaults on purpose: the platform's mappers must not need special settings to read events. */
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    static Stream<Named<EventType<?>>> eventTypes() {
        return EventCatalog.all().stream().map(type -> Named.of(type.type(), type));
    }

    @ParameterizedTest
    @MethodSource("eventTypes")
    void aFullEventRoundTripsToAnEqualRecord(EventType<?> type) {
        assertRoundTrip(type, SampleEvents.full(type.javaType()));
    }

    @ParameterizedTest
    @MethodSource("eventTypes")
    void anEventWithOnlyRequiredFieldsRoundTripsToAnEqualRecord(EventType<?> type) {
        assertRoundTrip(type, SampleEvents.minimal(type.javaType()));
    }

    @ParameterizedTest
    @MethodSource("eventTypes")
    void aReaderIgnoresFieldsAddedByANewerProducer(EventType<?> type) {
        CrmEvent event = SampleEvents.full(type.javaType());
        var json = (ObjectNode) MAPPER.valueToTree(event);
        json.put("fieldFromTheFuture", "x");
        json.putObject("nestedFromTheFuture").put("y", 1);

        assertThat(MAPPER.treeToValue(json, type.javaType())).isEqualTo(event);
    }

    private static void assertRoundTrip(EventType<?> type, CrmEvent event) {
        String json = MAPPER.writeValueAsString(event);

        assertThat(MAPPER.readValue(json, type.javaType())).isEqualTo(event);
        assertThat(violations(committedSchema(type), MAPPER.readTree(json), ""))
                .as("%s against its committed schema", json)
                .isEmpty();
    }

    private static JsonNode committedSchema(EventType<?> type) {
        try (InputStream in = EventJsonTest.class.getResourceAsStream("/schemas/" + type.type() + ".json")) {
            assertThat(in).as("schema of %s on the classpath", type.type()).isNotNull();
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The subset of JSON Schema validation the generated schemas use: types with nullability, required,
     * enums, the date formats, nested properties and array items.
     */
    static List<String> violations(JsonNode schema, JsonNode value, String path) {
        var problems = new ArrayList<String>();
        Set<String> allowed = new TreeSet<>();
        JsonNode type = schema.path("type");
        if (type.isArray()) {
            type.forEach(t -> allowed.add(t.asString()));
        } else if (type.isString()) {
            allowed.add(type.asString());
        }
        JsonNode anyOf = schema.get("anyOf");
        if (anyOf != null) {
            boolean matches = false;
            for (JsonNode option : anyOf) {
                matches |= violations(option, value, path).isEmpty();
            }
            if (!matches) {
                problems.add(path + ": " + value + " matches no option of " + anyOf);
            }
            return problems;
        }
        String actual = jsonType(value);
        boolean typeOk = allowed.contains(actual) || (actual.equals("integer") && allowed.contains("number"));
        if (!typeOk) {
            problems.add(path + ": " + actual + " where the schema allows " + allowed);
            return problems;
        }
        if (value.isNull()) {
            return problems;
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode option : schema.get("enum")) {
                listed |= option.equals(value);
            }
            if (!listed) {
                problems.add(path + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
        String format = schema.path("format").asString("");
        try {
            switch (format) {
                case "date-time" -> Instant.parse(value.asString());
                case "date" -> LocalDate.parse(value.asString());
                default -> {}
            }
        } catch (DateTimeParseException e) {
            problems.add(path + ": " + value + " is not a " + format);
        }
        if (value.isObject()) {
            JsonNode properties = schema.path("properties");
            for (JsonNode name : schema.path("required")) {
                if (!value.has(name.asString())) {
                    problems.add(path + "." + name.asString() + ": required but missing");
                }
            }
            // Stricter than JSON Schema on purpose: a property Jackson writes that the schema does not
            // describe (from an extra accessor, say) would be a contract nobody reviewed.
            for (String name : value.propertyNames()) {
                if (!properties.has(name)) {
                    problems.add(path + "." + name + ": not in the schema");
                } else {
                    problems.addAll(violations(properties.get(name), value.get(name), path + "." + name));
                }
            }
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                problems.addAll(violations(schema.get("items"), value.get(i), path + "[" + i + "]"));
            }
        }
        return problems;
    }

    @Test
    void theConformanceCheckRejectsJsonTheSchemaDoesNotDescribe() {
        JsonNode schema = MAPPER.readTree("""
                {"type": "object", "required": ["at", "kind"],
                 "properties": {"at": {"type": "string", "format": "date-time"},
                                "kind": {"type": "string", "enum": ["A", "B"]},
                                "tags": {"type": ["array", "null"], "items": {"type": "string"}}}}""");

        assertThat(violations(schema, MAPPER.readTree("{\"at\": \"2026-01-01T00:00:00Z\", \"kind\": \"A\"}"), ""))
                .isEmpty();
        assertThat(violations(schema, MAPPER.readTree("{\"at\": 1767225600, \"kind\": \"A\"}"), ""))
                .containsExactly(".at: integer where the schema allows [string]");
        assertThat(violations(schema, MAPPER.readTree("{\"at\": \"yesterday\", \"kind\": \"C\"}"), ""))
                .containsExactly(".at: \"yesterday\" is not a date-time", ".kind: \"C\" is not one of [\"A\",\"B\"]");
        assertThat(violations(schema, MAPPER.readTree("{\"kind\": \"B\", \"tags\": [1], \"extra\": true}"), ""))
                .containsExactlyInAnyOrder(
                        ".at: required but missing",
                        ".tags[0]: integer where the schema allows [string]",
                        ".extra: not in the schema");
    }

    private static String jsonType(JsonNode value) {
        if (value.isNull()) {
            return "null";
        }
        if (value.isIntegralNumber()) {
            return "integer";
        }
        if (value.isNumber()) {
            return "number";
        }
        if (value.isString()) {
            return "string";
        }
        if (value.isBoolean()) {
            return "boolean";
        }
        return value.isArray() ? "array" : "object";
    }
}
