package org.opencrm.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/events.md is the catalogue people read before consuming an event; it must not fall behind the
 * records. Every event needs a section naming its type and topic with a row per field, and every nested
 * record a section of its own.
 */
class EventsDocTest {

    private static final Path DOC = CommittedSchemas.moduleDirectory().resolve("../docs/events.md");

    static Stream<Named<EventType<?>>> eventTypes() {
        return EventCatalog.all().stream().map(type -> Named.of(type.type(), type));
    }

    private static String doc() throws IOException {
        return Files.readString(DOC);
    }

    /** The text from a heading of the given level and name up to the next heading of that level or higher. */
    static String section(String doc, String hashes, String name) {
        String heading = hashes + " " + name + "\n";
        int start = doc.indexOf(heading);
        if (start < 0) {
            return "";
        }
        int end = doc.length();
        for (int level = 1; level <= hashes.length(); level++) {
            int next = doc.indexOf("\n" + "#".repeat(level) + " ", start + heading.length());
            if (next >= 0) {
                end = Math.min(end, next);
            }
        }
        return doc.substring(start, end);
    }

    @ParameterizedTest
    @MethodSource("eventTypes")
    void everyEventIsDescribedWithEachOfItsFields(EventType<?> type) throws IOException {
        String section = section(doc(), "####", type.javaType().getSimpleName());

        assertThat(section)
                .as("a '#### %s' section in %s", type.javaType().getSimpleName(), DOC)
                .isNotEmpty();
        assertThat(section).contains("Type `" + type.type() + "`", "topic `" + type.topic() + "`", "Consumers:");
        for (RecordComponent component : ownComponents(type.javaType())) {
            assertThat(section).as("row of %s", component.getName()).contains("| `" + component.getName() + "` |");
        }
    }

    @Test
    void everyNestedRecordIsDescribedWithEachOfItsFields() throws IOException {
        Set<Class<?>> nested = new LinkedHashSet<>();
        EventCatalog.all().forEach(type -> collectNested(type.javaType(), nested));
        assertThat(nested).contains(Actor.class, Money.class);

        for (Class<?> record : nested) {
            String section = section(doc(), "###", record.getSimpleName());
            assertThat(section).as("a '### %s' section", record.getSimpleName()).isNotEmpty();
            for (RecordComponent component : record.getRecordComponents()) {
                assertThat(section).contains("| `" + component.getName() + "` |");
            }
        }
    }

    @Test
    void theDocNamesTheSchemaUpdateCommandAndEveryTopic() throws IOException {
        String doc = doc();
        assertThat(doc).contains(CommittedSchemas.UPDATE_COMMAND);
        EventCatalog.all().forEach(type -> assertThat(doc).contains("| `" + type.topic() + "` |"));
    }

    @Test
    void sectionsEndAtTheNextHeadingOfTheSameOrHigherLevel() {
        String doc = "## A\n#### X\nx1\n### B\n#### Y\ny1\n#### X2\n";
        assertThat(section(doc, "####", "X")).isEqualTo("#### X\nx1");
        assertThat(section(doc, "####", "Y")).isEqualTo("#### Y\ny1");
        assertThat(section(doc, "####", "Z")).isEmpty();
    }

    /** The components after the envelope, which {@code EventCatalogTest} proves come first. */
    private static Iterable<RecordComponent> ownComponents(Class<?> record) {
        return Arrays.stream(record.getRecordComponents())
                .skip(CrmEvent.class.getDeclaredMethods().length)
                .toList();
    }

    private static void collectNested(Type type, Set<Class<?>> found) {
        if (type instanceof ParameterizedType parameterized) {
            Arrays.stream(parameterized.getActualTypeArguments()).forEach(t -> collectNested(t, found));
            return;
        }
        if (type instanceof Class<?> raw && raw.isRecord()) {
            if (!CrmEvent.class.isAssignableFrom(raw)) {
                found.add(raw);
            }
            for (RecordComponent component : raw.getRecordComponents()) {
                collectNested(component.getGenericType(), found);
            }
        }
    }
}
