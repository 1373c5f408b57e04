package org.opencrm.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencrm.events.contacts.ContactCreated;
import org.opencrm.events.deals.DealStageChanged;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AssignableTypeFilter;

/** The catalogue is complete and every entry follows the naming, topic and envelope conventions. */
class EventCatalogTest {

    private static final Pattern CE_TYPE = Pattern.compile("crm\\.([a-z]+)\\.([A-Z][A-Za-z]+)\\.v([1-9][0-9]*)");
    private static final Pattern TOPIC = Pattern.compile("crm\\.([a-z]+)\\.v[1-9][0-9]*");

    /** The envelope in the order records must repeat it; {@link #theEnvelopeIsCrmEvent} keeps it honest. */
    private static final List<String> ENVELOPE = List.of(
            "eventId:java.lang.String",
            "tenantId:java.lang.String",
            "aggregateId:java.lang.String",
            "aggregateVersion:long",
            "occurredAt:java.time.Instant",
            "actor:org.opencrm.events.Actor");

    static Stream<Named<EventType<?>>> eventTypes() {
        return EventCatalog.all().stream().map(type -> Named.of(type.type(), type));
    }

    /** Every event record in the main sources, found by scanning rather than by trusting the catalogue. */
    private static Set<Class<?>> scannedEventClasses() {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AssignableTypeFilter(CrmEvent.class));
        return scanner.findCandidateComponents(CrmEvent.class.getPackageName()).stream()
                .map(definition -> {
                    try {
                        return Class.forName(definition.getBeanClassName());
                    } catch (ClassNotFoundException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .collect(Collectors.toSet());
    }

    @Test
    void everyEventRecordIsInTheCatalogue() {
        Set<Class<?>> scanned = scannedEventClasses();
        Set<Class<?>> catalogued =
                EventCatalog.all().stream().map(EventType::javaType).collect(Collectors.toSet());

        assertThat(scanned)
                .as("the scan finds the events it should")
                .contains(ContactCreated.class, DealStageChanged.class);
        assertThat(scanned)
                .as("event records missing from EventCatalog (they could be published without a schema)")
                .containsExactlyInAnyOrderElementsOf(catalogued);
    }

    @Test
    void typesAndClassesAreUnique() {
        List<String> types = EventCatalog.all().stream().map(EventType::type).toList();
        List<Class<?>> classes =
                EventCatalog.all().stream().<Class<?>>map(EventType::javaType).toList();

        assertThat(types).doesNotHaveDuplicates();
        assertThat(classes).doesNotHaveDuplicates();
    }

    @Test
    void lookupsFindEachEntry() {
        for (EventType<?> type : EventCatalog.all()) {
            assertThat(EventCatalog.byType(type.type())).contains(type);
            assertThat(EventCatalog.of(type.javaType())).isSameAs(type);
        }
        assertThat(EventCatalog.byType("crm.deals.DealStageChanged.v9")).isEmpty();
    }

    @Test
    void everyTopicConstantCarriesEvents() throws IllegalAccessException {
        Set<String> used = EventCatalog.all().stream().map(EventType::topic).collect(Collectors.toSet());
        Set<String> declared = new HashSet<>();
        for (Field field : Topics.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                declared.add((String) field.get(null));
            }
        }
        assertThat(declared).containsExactlyInAnyOrderElementsOf(used);
        assertThat(declared).allSatisfy(topic -> assertThat(topic).matches(TOPIC));
    }

    @ParameterizedTest
    @MethodSource("eventTypes")
    void typeNamesTheAreaOfItsTopicAndItsRecord(EventType<?> type) {
        Matcher ceType = CE_TYPE.matcher(type.type());
        assertThat(ceType.matches())
                .as("%s is crm.<area>.<Name>.v<n>", type.type())
                .isTrue();
        Matcher topic = TOPIC.matcher(type.topic());
        assertThat(topic.matches()).as("%s is crm.<area>.v<n>", type.topic()).isTrue();

        String area = ceType.group(1);
        String name = ceType.group(2);
        int version = Integer.parseInt(ceType.group(3));
        Class<?> record = type.javaType();

        assertThat(area).as("area of %s and of its topic", type.type()).isEqualTo(topic.group(1));
        assertThat(record.getPackageName()).isEqualTo(CrmEvent.class.getPackageName() + "." + area);
        assertThat(record.getSimpleName()).isEqualTo(version == 1 ? name : name + "V" + version);
        assertThat(name).as("past tense, no Event suffix").doesNotEndWith("Event");
    }

    @ParameterizedTest
    @MethodSource("eventTypes")
    void envelopeComponentsComeFirst(EventType<?> type) {
        assertThat(type.javaType().isRecord()).isTrue();
        List<String> leading = Arrays.stream(type.javaType().getRecordComponents())
                .limit(ENVELOPE.size())
                .map(c -> c.getName() + ":" + c.getType().getName())
                .toList();

        assertThat(leading).containsExactlyElementsOf(ENVELOPE);
    }

    @Test
    void theEnvelopeIsCrmEvent() {
        assertThat(Arrays.stream(CrmEvent.class.getDeclaredMethods())
                        .map(m -> m.getName() + ":" + m.getReturnType().getName()))
                .containsExactlyInAnyOrderElementsOf(ENVELOPE);
    }

    @ParameterizedTest
    @MethodSource("eventTypes")
    void noComponentIsAFloatingPointNumber(EventType<?> type) {
        assertThat(floatingPointComponents(type.javaType(), type.javaType().getSimpleName()))
                .as("amounts are BigDecimal (in Money), never float or double")
                .isEmpty();
    }

    record Price(double value) {}

    record PriceList(String id, List<Price> prices) {}

    @Test
    void theFloatingPointCheckLooksIntoNestedRecordsAndLists() {
        assertThat(floatingPointComponents(PriceList.class, "PriceList")).containsExactly("PriceList.prices[].value");
    }

    private static List<String> floatingPointComponents(Type type, String path) {
        if (type instanceof ParameterizedType parameterized) {
            return Arrays.stream(parameterized.getActualTypeArguments())
                    .flatMap(argument -> floatingPointComponents(argument, path + "[]").stream())
                    .toList();
        }
        if (!(type instanceof Class<?> raw)) {
            return List.of();
        }
        if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
            return List.of(path);
        }
        if (!raw.isRecord()) {
            return List.of();
        }
        return Arrays.stream(raw.getRecordComponents())
                .flatMap(c -> floatingPointComponents(c.getGenericType(), path + "." + c.getName()).stream())
                .toList();
    }
}
