package org.opencrm.testkit.security;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operations of a service's committed OpenAPI document ({@code docs/api/<service>.json}), read as plain maps:
 * method, path template, parameters and the request body's schema with {@code $ref}s resolved on demand.
 */
final class ApiOperations {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, Object> document;
    private final List<Operation> operations;

    private ApiOperations(Map<String, Object> document) {
        this.document = document;
        var result = new ArrayList<Operation>();
        map(document.get("paths"))
                .forEach((path, item) -> map(item).forEach((method, raw) -> {
                    if (!List.of("get", "post", "put", "patch", "delete").contains(method)) {
                        return;
                    }
                    var operation = map(raw);
                    var parameters = new ArrayList<Parameter>();
                    for (Object p : list(operation.get("parameters"))) {
                        var parameter = map(p);
                        parameters.add(new Parameter(
                                (String) parameter.get("name"),
                                (String) parameter.get("in"),
                                Boolean.TRUE.equals(parameter.get("required")),
                                resolve(map(parameter.get("schema")))));
                    }
                    Map<String, Object> content =
                            map(map(operation.get("requestBody")).get("content"));
                    String bodyType = content.isEmpty()
                            ? null
                            : content.keySet().iterator().next();
                    Map<String, Object> bodySchema = bodyType == null
                            ? Map.of()
                            : resolve(map(map(content.get(bodyType)).get("schema")));
                    boolean bodyRequired = Boolean.TRUE.equals(
                            map(operation.get("requestBody")).get("required"));
                    var produces = new ArrayList<String>();
                    map(operation.get("responses"))
                            .values()
                            .forEach(r ->
                                    produces.addAll(map(map(r).get("content")).keySet()));
                    result.add(new Operation(
                            method.toUpperCase(Locale.ROOT),
                            path,
                            List.copyOf(parameters),
                            bodyType,
                            bodySchema,
                            bodyRequired,
                            List.copyOf(produces)));
                }));
        result.sort(Comparator.comparing(Operation::key));
        this.operations = List.copyOf(result);
    }

    static ApiOperations read(Path file) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> document = JSON.readValue(Files.readString(file), Map.class);
            return new ApiOperations(document);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    List<Operation> all() {
        return operations;
    }

    /** The schema with a top-level {@code $ref} (and a single-element {@code allOf}) replaced by its target. */
    Map<String, Object> resolve(Map<String, Object> schema) {
        Map<String, Object> current = schema;
        for (int i = 0; i < 10; i++) {
            Object ref = current.get("$ref");
            if (ref instanceof String r && r.startsWith("#/components/schemas/")) {
                current = map(map(map(document.get("components")).get("schemas"))
                        .get(r.substring("#/components/schemas/".length())));
                continue;
            }
            List<Object> allOf = list(current.get("allOf"));
            if (allOf.size() == 1) {
                current = map(allOf.get(0));
                continue;
            }
            return current;
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }

    record Parameter(String name, String in, boolean required, Map<String, Object> schema) {}

    /**
     * @param bodyType the first request content type ({@code application/json}, {@code multipart/form-data}), or null
     */
    record Operation(
            String method,
            String path,
            List<Parameter> parameters,
            String bodyType,
            Map<String, Object> bodySchema,
            boolean bodyRequired,
            List<String> produces) {

        /** {@code GET /api/deals/{id}}: how a suite names an operation. */
        String key() {
            return method + " " + path;
        }

        List<Parameter> in(String location) {
            return parameters.stream().filter(p -> p.in().equals(location)).toList();
        }

        boolean jsonBody() {
            return bodyType != null && bodyType.contains("json");
        }

        boolean streams() {
            return produces.contains("text/event-stream");
        }

        boolean isRead() {
            return method.equals("GET");
        }
    }
}
