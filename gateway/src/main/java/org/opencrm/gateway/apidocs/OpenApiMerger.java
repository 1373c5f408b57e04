package org.opencrm.gateway.apidocs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Merges the services' OpenAPI documents into the one document of the API behind the gateway.
 *
 * <ul>
 *   <li>Only paths the gateway routes to that service are kept; the others are listed under
 *       {@code x-crm-unrouted} (a service endpoint no client can reach is worth noticing).
 *   <li>Components with the same name and the same definition are kept once; a name two services define
 *       differently is prefixed with the second service's name ({@code Deals}{@code Money}) and its
 *       {@code $ref}s are rewritten.
 *   <li>Paths, components and tags are sorted, so the document is stable and can be committed and compared.
 * </ul>
 */
final class OpenApiMerger {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> COMPONENT_KINDS =
            List.of("schemas", "parameters", "responses", "requestBodies", "headers", "examples", "links", "callbacks");

    private OpenApiMerger() {}

    /**
     * @param documents each service's document, by route id
     * @param routes each route id's path patterns
     * @param unavailable services whose document could not be fetched
     */
    static ObjectNode merge(
            Map<String, JsonNode> documents, Map<String, List<String>> routes, Set<String> unavailable) {
        var parser = PathPatternParser.defaultInstance;
        Map<String, ObjectNode> paths = new TreeMap<>();
        Map<String, Map<String, JsonNode>> components = new TreeMap<>();
        Map<String, JsonNode> tags = new TreeMap<>();
        Map<String, List<String>> unrouted = new TreeMap<>();
        Map<String, List<String>> conflicts = new TreeMap<>();

        for (String service : new TreeSet<>(documents.keySet())) {
            JsonNode doc = documents.get(service).deepCopy();
            Map<String, String> renames = new HashMap<>();
            JsonNode ownComponents = doc.path("components");
            for (String kind : COMPONENT_KINDS) {
                var known = components.computeIfAbsent(kind, k -> new TreeMap<>());
                for (var entry : ownComponents.path(kind).properties()) {
                    JsonNode existing = known.get(entry.getKey());
                    if (existing != null && !existing.equals(entry.getValue())) {
                        renames.put(
                                "#/components/" + kind + "/" + entry.getKey(),
                                "#/components/" + kind + "/" + capitalized(service) + entry.getKey());
                    }
                }
            }
            if (!renames.isEmpty()) {
                rewriteRefs(doc, renames);
            }
            for (String kind : COMPONENT_KINDS) {
                var known = components.get(kind);
                for (var entry : doc.path("components").path(kind).properties()) {
                    String original = "#/components/" + kind + "/" + entry.getKey();
                    String name = renames.containsKey(original)
                            ? renames.get(original).substring(("#/components/" + kind + "/").length())
                            : entry.getKey();
                    known.putIfAbsent(name, entry.getValue());
                }
            }
            List<PathPattern> patterns = routes.getOrDefault(service, List.of()).stream()
                    .map(parser::parse)
                    .toList();
            for (var entry : doc.path("paths").properties()) {
                String path = entry.getKey();
                // a templated segment ({id}) matches a pattern's wildcard like any concrete value
                var container = PathContainer.parsePath(path.replaceAll("\\{[^}]+}", "x"));
                if (patterns.stream().noneMatch(pattern -> pattern.matches(container))) {
                    unrouted.computeIfAbsent(service, s -> new ArrayList<>()).add(path);
                } else if (paths.containsKey(path)) {
                    conflicts.computeIfAbsent(path, p -> new ArrayList<>()).add(service);
                } else {
                    paths.put(path, (ObjectNode) entry.getValue());
                }
            }
            for (JsonNode tag : doc.path("tags")) {
                tags.putIfAbsent(tag.path("name").asString(), tag);
            }
        }

        ObjectNode merged = NODES.objectNode();
        merged.put("openapi", "3.1.0");
        merged.putObject("info")
                .put("title", "Open CRM API")
                .put("version", "v1")
                .put(
                        "description",
                        "Every service's API behind the gateway, merged. Authenticate with a bearer JWT (docs/security.md);"
                                + " errors are RFC 9457 problems (docs/errors.md).");
        merged.putArray("servers").addObject().put("url", "/");
        merged.putArray("security").addObject().putArray("bearerAuth");
        var tagArray = merged.putArray("tags");
        tags.values().forEach(tagArray::add);
        var pathsNode = merged.putObject("paths");
        paths.forEach(pathsNode::set);
        var componentsNode = merged.putObject("components");
        components.forEach((kind, entries) -> {
            if (!entries.isEmpty()) {
                var kindNode = componentsNode.putObject(kind);
                entries.forEach(kindNode::set);
            }
        });
        componentsNode
                .putObject("securitySchemes")
                .putObject("bearerAuth")
                .put("type", "http")
                .put("scheme", "bearer")
                .put("bearerFormat", "JWT");
        if (!unrouted.isEmpty()) {
            merged.set("x-crm-unrouted", toNode(unrouted));
        }
        if (!conflicts.isEmpty()) {
            merged.set("x-crm-conflicts", toNode(conflicts));
        }
        if (!unavailable.isEmpty()) {
            var array = merged.putArray("x-crm-unavailable");
            new TreeSet<>(unavailable).forEach(array::add);
        }
        return merged;
    }

    private static ObjectNode toNode(Map<String, List<String>> map) {
        ObjectNode node = NODES.objectNode();
        map.forEach((key, values) -> {
            var array = node.putArray(key);
            values.stream().sorted().forEach(array::add);
        });
        return node;
    }

    private static void rewriteRefs(JsonNode node, Map<String, String> renames) {
        if (node instanceof ObjectNode object) {
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.isString() && renames.containsKey(ref.asString())) {
                object.put("$ref", renames.get(ref.asString()));
            }
            for (var entry : object.properties()) {
                rewriteRefs(entry.getValue(), renames);
            }
        } else if (node != null && node.isArray()) {
            for (JsonNode element : node) {
                rewriteRefs(element, renames);
            }
        }
    }

    private static String capitalized(String service) {
        return Character.toUpperCase(service.charAt(0)) + service.substring(1);
    }
}
