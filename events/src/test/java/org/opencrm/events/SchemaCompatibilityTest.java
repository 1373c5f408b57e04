package org.opencrm.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Each rule of {@link SchemaCompatibility}, proven on schemas generated from pairs of records the way
 * the real ones are, so the rules are tested against the generator's actual output.
 */
class SchemaCompatibilityTest {

    private static final EventSchemas SCHEMAS = new EventSchemas();

    private static List<String> breaking(Class<?> committed, Class<?> candidate) {
        return SchemaCompatibility.breakingChanges(
                SCHEMAS.schemaOf(committed, "committed"), SCHEMAS.schemaOf(candidate, "candidate"));
    }

    record Item(@Required String sku, String note) {}

    record Nested(@Required String code, String label) {}

    record Original(@Required String id, String name, long count, Instant at, Nested nested, List<Item> items) {}

    @Test
    void anIdenticalSchemaIsCompatible() {
        assertThat(breaking(Original.class, Original.class)).isEmpty();
    }

    @Test
    void everyCommittedEventSchemaIsCompatibleWithItself() {
        for (EventType<?> type : EventCatalog.all()) {
            var schema = SCHEMAS.schemaOf(type);
            assertThat(SchemaCompatibility.breakingChanges(schema, schema))
                    .as(type.type())
                    .isEmpty();
        }
    }

    record WithOptionalField(
            @Required String id,
            String name,
            long count,
            Instant at,
            Nested nested,
            List<Item> items,
            String addedLater) {}

    @Test
    void addingAnOptionalFieldIsCompatible() {
        assertThat(breaking(Original.class, WithOptionalField.class)).isEmpty();
    }

    record WithoutName(@Required String id, long count, Instant at, Nested nested, List<Item> items) {}

    @Test
    void removingAFieldBreaks() {
        assertThat(breaking(Original.class, WithoutName.class)).containsExactly("'name' was removed or renamed");
    }

    record WithRenamedName(
            @Required String id, String fullName, long count, Instant at, Nested nested, List<Item> items) {}

    @Test
    void renamingAFieldBreaks() {
        assertThat(breaking(Original.class, WithRenamedName.class)).containsExactly("'name' was removed or renamed");
    }

    record WithNumericName(
            @Required String id, BigDecimal name, long count, Instant at, Nested nested, List<Item> items) {}

    @Test
    void retypingAFieldBreaks() {
        assertThat(breaking(Original.class, WithNumericName.class))
                .containsExactly("'name' changed type from [null, string] to [null, number]");
    }

    record WithStringTime(@Required String id, String name, long count, String at, Nested nested, List<Item> items) {}

    @Test
    void changingAFormatBreaks() {
        assertThat(breaking(Original.class, WithStringTime.class))
                .containsExactly("'at' changed format from date-time to null");
    }

    record WithBoxedCount(@Required String id, String name, Long count, Instant at, Nested nested, List<Item> items) {}

    @Test
    void makingARequiredFieldOptionalBreaks() {
        assertThat(breaking(Original.class, WithBoxedCount.class))
                .containsExactly(
                        "'count' changed type from [integer] to [integer, null]", "'count' is no longer required");
    }

    record WithRequiredName(
            @Required String id, @Required String name, long count, Instant at, Nested nested, List<Item> items) {}

    @Test
    void makingAnOptionalFieldRequiredBreaks() {
        assertThat(breaking(Original.class, WithRequiredName.class))
                .containsExactlyInAnyOrder(
                        "'name' changed type from [null, string] to [string]", "'name' became required");
    }

    record WithNewRequiredField(
            @Required String id,
            String name,
            long count,
            Instant at,
            Nested nested,
            List<Item> items,
            @Required String mandatory) {}

    record WithNewPrimitiveField(
            @Required String id, String name, long count, Instant at, Nested nested, List<Item> items, int level) {}

    @Test
    void addingARequiredFieldBreaks() {
        assertThat(breaking(Original.class, WithNewRequiredField.class))
                .containsExactly("'mandatory' is a new required property");
        assertThat(breaking(Original.class, WithNewPrimitiveField.class))
                .containsExactly("'level' is a new required property");
    }

    record NestedWithoutLabel(@Required String code) {}

    record WithSmallerNested(
            @Required String id, String name, long count, Instant at, NestedWithoutLabel nested, List<Item> items) {}

    record NestedWithExtra(@Required String code, String label, String extra) {}

    record WithLargerNested(
            @Required String id, String name, long count, Instant at, NestedWithExtra nested, List<Item> items) {}

    record NestedWithRequiredExtra(
            @Required String code, String label, @Required String extra) {}

    record WithStricterNested(
            @Required String id,
            String name,
            long count,
            Instant at,
            NestedWithRequiredExtra nested,
            List<Item> items) {}

    @Test
    void nestedRecordsFollowTheSameRules() {
        assertThat(breaking(Original.class, WithSmallerNested.class))
                .containsExactly("'nested.label' was removed or renamed");
        assertThat(breaking(Original.class, WithStricterNested.class))
                .containsExactly("'nested.extra' is a new required property");
        assertThat(breaking(Original.class, WithLargerNested.class)).isEmpty();
    }

    record ItemWithNumericNote(@Required String sku, Integer note) {}

    record WithRetypedItems(
            @Required String id, String name, long count, Instant at, Nested nested, List<ItemWithNumericNote> items) {}

    record WithItemIds(@Required String id, String name, long count, Instant at, Nested nested, List<String> items) {}

    @Test
    void listItemsFollowTheSameRules() {
        assertThat(breaking(Original.class, WithRetypedItems.class))
                .containsExactly("'items[].note' changed type from [null, string] to [integer, null]");
        assertThat(breaking(Original.class, WithItemIds.class))
                .containsExactly("'items[]' changed type from [object] to [string]");
    }

    enum Colour {
        RED,
        GREEN
    }

    enum FewerColours {
        RED
    }

    enum MoreColours {
        RED,
        GREEN,
        BLUE
    }

    record Painted(Colour colour) {}

    record PaintedFewer(FewerColours colour) {}

    record PaintedMore(MoreColours colour) {}

    record PaintedFree(String colour) {}

    @Test
    void enumValuesMayNeitherBeAddedNorRemoved() {
        assertThat(breaking(Painted.class, PaintedMore.class))
                .containsExactly("'colour' gained the enum values [BLUE], which readers built before cannot read");
        assertThat(breaking(Painted.class, PaintedFewer.class))
                .containsExactly("'colour' lost the enum values [GREEN]");
        assertThat(breaking(PaintedFree.class, Painted.class))
                .containsExactly("'colour' is now restricted to the values [GREEN, RED]");
        assertThat(breaking(Painted.class, PaintedFree.class))
                .containsExactly("'colour' is no longer restricted to [GREEN, RED], which readers built before"
                        + " cannot read other values");
    }

    @Test
    void aConstIsComparedAsASingleValueEnum() {
        JsonNode committed = EventSchemas.parse("""
                {"type": "object", "properties": {"kind": {"type": "string", "const": "A"}}}""");
        JsonNode same = EventSchemas.parse("""
                {"type": "object", "properties": {"kind": {"type": "string", "enum": ["A"]}}}""");
        JsonNode wider = EventSchemas.parse("""
                {"type": "object", "properties": {"kind": {"type": "string", "enum": ["A", "B"]}}}""");
        assertThat(SchemaCompatibility.breakingChanges(committed, same)).isEmpty();
        assertThat(SchemaCompatibility.breakingChanges(committed, wider))
                .containsExactly("'kind' gained the enum values [B], which readers built before cannot read");
    }

    @Test
    void aRequiredPropertyThatBecomesOptionalBreaks() {
        JsonNode committed = EventSchemas.parse("""
                {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}""");
        JsonNode candidate = EventSchemas.parse("""
                {"type": "object", "properties": {"id": {"type": "string"}}}""");
        assertThat(SchemaCompatibility.breakingChanges(committed, candidate))
                .containsExactly("'id' is no longer required");
    }

    @Test
    void referencedDefinitionsAreComparedLikeInlineOnes() {
        JsonNode committed = EventSchemas.parse("""
                {"type": "object",
                 "properties": {"amount": {"$ref": "#/$defs/Money"}},
                 "$defs": {"Money": {"type": "object",
                                     "properties": {"amount": {"type": "number"}, "currency": {"type": "string"}}}}}""");
        JsonNode inlineWithoutCurrency = EventSchemas.parse("""
                {"type": "object",
                 "properties": {"amount": {"type": "object", "properties": {"amount": {"type": "number"}}}}}""");
        JsonNode inlineSame = EventSchemas.parse("""
                {"type": "object",
                 "properties": {"amount": {"type": "object",
                   "properties": {"amount": {"type": "number"}, "currency": {"type": "string"}}}}}""");
        assertThat(SchemaCompatibility.breakingChanges(committed, inlineWithoutCurrency))
                .containsExactly("'amount.currency' was removed or renamed");
        assertThat(SchemaCompatibility.breakingChanges(committed, inlineSame)).isEmpty();
    }

    static List<String> unknownKeywordChanges() {
        return List.of("\"maxLength\": 3", "\"additionalProperties\": false", "\"pattern\": \"^x\"");
    }

    @ParameterizedTest
    @MethodSource("unknownKeywordChanges")
    void aChangedKeywordTheCheckDoesNotUnderstandBreaks(String keyword) {
        JsonNode committed = EventSchemas.parse("""
                {"type": "object", "properties": {"id": {"type": "string"}}}""");
        JsonNode candidate = EventSchemas.parse("""
                {"type": "object", "properties": {"id": {"type": "string", %s}}}""".formatted(keyword));
        assertThat(SchemaCompatibility.breakingChanges(committed, candidate))
                .singleElement()
                .asString()
                .startsWith("'id' changed '");
    }
}
