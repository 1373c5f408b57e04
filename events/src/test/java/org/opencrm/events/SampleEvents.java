package org.opencrm.events;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

/**
 * Builds an instance of any event record with every component set, or with every optional component
 * null, so the round-trip and conformance tests cover each event without a hand-written fixture that
 * would fall behind the record. A component type it does not know fails the test, on purpose: a new
 * kind of value needs a thought about its JSON form first.
 */
final class SampleEvents {

    private SampleEvents() {}

    static <T> T full(Class<T> type) {
        return build(type, false);
    }

    /** Required components set, optional ones null: what a minimal producer may send. */
    static <T> T minimal(Class<T> type) {
        return build(type, true);
    }

    private static <T> T build(Class<T> type, boolean minimal) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type + " is not a record");
        }
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            boolean optional = !isRequired(type, component);
            values[i] = minimal && optional ? null : value(component.getGenericType(), component.getName(), i, minimal);
        }
        try {
            Constructor<T> constructor = type.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
            constructor.setAccessible(true);
            return constructor.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot build " + type, e);
        }
    }

    /** The same rule as the schema generator's, read from the record instead of the schema. */
    static boolean isRequired(Class<?> owner, RecordComponent component) {
        return component.getType().isPrimitive()
                || component.isAnnotationPresent(Required.class)
                || (CrmEvent.class.isAssignableFrom(owner) && isEnvelope(component.getName()));
    }

    private static boolean isEnvelope(String name) {
        return Arrays.stream(CrmEvent.class.getDeclaredMethods())
                .anyMatch(m -> m.getName().equals(name));
    }

    private static Object value(Type type, String name, int index, boolean minimal) {
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == List.class) {
            Type item = parameterized.getActualTypeArguments()[0];
            return List.of(value(item, name, index, minimal), value(item, name, index + 1, minimal));
        }
        if (!(type instanceof Class<?> raw)) {
            throw new IllegalArgumentException("No sample value for " + type + " (" + name + ")");
        }
        if (raw == String.class) {
            return name + "-" + index;
        }
        if (raw == long.class || raw == Long.class) {
            return 1_000_000_000_000L + index;
        }
        if (raw == int.class || raw == Integer.class) {
            return 40 + index;
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return true;
        }
        if (raw == BigDecimal.class) {
            return new BigDecimal("1234567.80");
        }
        if (raw == Instant.class) {
            return Instant.parse("2026-03-29T01:30:00.123456789Z").plusSeconds(index);
        }
        if (raw == LocalDate.class) {
            return LocalDate.of(2026, 2, 28).plusDays(index);
        }
        if (raw.isEnum()) {
            Object[] constants = raw.getEnumConstants();
            return constants[index % constants.length];
        }
        if (raw.isRecord()) {
            return build(raw, minimal);
        }
        throw new IllegalArgumentException("No sample value for " + raw.getName() + " (" + name + ")");
    }
}
