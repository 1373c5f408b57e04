package org.opencrm.events;

import com.github.victools.jsonschema.generator.FieldScope;
import com.github.victools.jsonschema.generator.MemberScope;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generates the JSON Schema of an event record, the same way every time, so that the committed schemas
 * can be compared with what the code says today.
 *
 * <p>Required-ness, which the compatibility check holds producers to: the envelope components of a
 * {@link CrmEvent}, primitive components and components annotated {@link Required} are required and
 * not nullable; every other component is optional and nullable. Schemas are inlined (no {@code $defs}) so
 * that a reviewer reads one file per event and a nested record's change shows in every event using it.
 */
final class EventSchemas {

    static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private static final Set<String> ENVELOPE = Arrays.stream(CrmEvent.class.getDeclaredMethods())
            .map(Method::getName)
            .collect(Collectors.toUnmodifiableSet());

    private final SchemaGenerator generator;

    EventSchemas() {
        var config = new SchemaGeneratorConfigBuilder(JSON, SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
                .with(Option.STANDARD_FORMATS, Option.INLINE_ALL_SCHEMAS, Option.ENUM_KEYWORD_FOR_SINGLE_VALUES);
        config.forFields().withRequiredCheck(EventSchemas::isRequired).withNullableCheck(f -> !isRequired(f));
        config.forTypesInGeneral().withPropertySorter(EventSchemas::inDeclarationOrder);
        generator = new SchemaGenerator(config.build());
    }

    /** The schema of an event or of any record, with the event's {@code ce_type} as its title. */
    ObjectNode schemaOf(Class<?> type, String title) {
        ObjectNode schema = generator.generateSchema(type);
        var titled = JSON.createObjectNode();
        titled.set("$schema", schema.get("$schema"));
        titled.put("title", title);
        schema.properties().forEach(e -> {
            if (!e.getKey().equals("$schema")) {
                titled.set(e.getKey(), e.getValue());
            }
        });
        return titled;
    }

    ObjectNode schemaOf(EventType<?> type) {
        return schemaOf(type.javaType(), type.type());
    }

    static String render(JsonNode schema) {
        return JSON.writeValueAsString(schema) + "\n";
    }

    static JsonNode parse(String json) {
        return JSON.readTree(json);
    }

    static boolean isRequired(FieldScope field) {
        Field raw = field.getRawMember();
        if (raw.getType().isPrimitive()) {
            return true;
        }
        if (CrmEvent.class.isAssignableFrom(raw.getDeclaringClass()) && ENVELOPE.contains(raw.getName())) {
            return true;
        }
        return raw.isAnnotationPresent(Required.class);
    }

    /** Record component order, so a schema reads like its record, envelope first, instead of alphabetically. */
    private static int inDeclarationOrder(MemberScope<?, ?> a, MemberScope<?, ?> b) {
        return Integer.compare(position(a), position(b));
    }

    private static int position(MemberScope<?, ?> member) {
        Class<?> owner = member.getDeclaringType().getErasedType();
        RecordComponent[] components = owner.getRecordComponents();
        if (components != null) {
            for (int i = 0; i < components.length; i++) {
                if (components[i].getName().equals(member.getDeclaredName())) {
                    return i;
                }
            }
        }
        return Integer.MAX_VALUE;
    }
}
