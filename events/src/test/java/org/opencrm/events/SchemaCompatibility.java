package org.opencrm.events;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decides whether a new schema of an event still fits the committed one. Consumers are deployed
 * independently of producers and analytics replays topics from the beginning, so a change must keep
 * both directions working: new code reading old events and old code reading new ones. That leaves
 * one kind of change to an existing type: adding an optional property (old readers ignore it, new
 * readers see it absent).
 *
 * <p>Breaking, at any depth (nested records, list items):
 *
 * <ul>
 *   <li>a property of the committed schema is missing: removed or renamed;
 *   <li>a property's JSON type set changed, including becoming nullable or non-nullable;
 *   <li>a property's {@code format} changed (e.g. {@code date-time} to plain string);
 *   <li>a property became required, or a new property is required: old events lack it;
 *   <li>a required property became optional: consumers rely on it being there;
 *   <li>an enum's values changed in any way: removed values break new readers of old events, added ones
 *       (or dropping the enum for a free string) break readers built before, whose Java enum cannot hold
 *       them. Enums are closed sets; open vocabularies are strings from the start;
 *   <li>any other keyword changed (constraints, {@code anyOf} shapes): this check cannot prove those
 *       safe, so it does not pretend to.
 * </ul>
 */
final class SchemaCompatibility {

    /** Keywords understood below; a change in any other keyword counts as breaking. */
    private static final Set<String> UNDERSTOOD = Set.of(
            "$schema",
            "$defs",
            "definitions",
            "title",
            "description",
            "type",
            "format",
            "enum",
            "properties",
            "required",
            "items");

    private final JsonNode committedRoot;
    private final JsonNode candidateRoot;
    private final List<String> problems = new ArrayList<>();

    private SchemaCompatibility(JsonNode committedRoot, JsonNode candidateRoot) {
        this.committedRoot = committedRoot;
        this.candidateRoot = candidateRoot;
    }

    /** Every reason the candidate breaks readers or writers of the committed schema; empty if none. */
    static List<String> breakingChanges(JsonNode committed, JsonNode candidate) {
        var check = new SchemaCompatibility(committed, candidate);
        check.compare(committed, candidate, "");
        return List.copyOf(check.problems);
    }

    private void compare(JsonNode committedNode, JsonNode candidateNode, String path) {
        JsonNode before = normalise(committedRoot, resolve(committedRoot, committedNode));
        JsonNode after = normalise(candidateRoot, resolve(candidateRoot, candidateNode));
        String where = path.isEmpty() ? "the event" : "'" + path + "'";

        Set<String> typesBefore = types(before);
        Set<String> typesAfter = types(after);
        if (!typesBefore.equals(typesAfter)) {
            problems.add(where + " changed type from " + typesBefore + " to " + typesAfter);
            return;
        }
        String formatBefore = before.path("format").asString(null);
        String formatAfter = after.path("format").asString(null);
        if (formatBefore == null ? formatAfter != null : !formatBefore.equals(formatAfter)) {
            problems.add(where + " changed format from " + formatBefore + " to " + formatAfter);
        }
        compareEnums(before, after, where);
        compareOtherKeywords(before, after, where);

        if (typesBefore.contains("object")) {
            compareProperties(before, after, path);
        }
        if (typesBefore.contains("array") && before.has("items")) {
            if (after.has("items")) {
                compare(before.get("items"), after.get("items"), path + "[]");
            } else {
                problems.add(where + " no longer describes its items");
            }
        }
    }

    private void compareProperties(JsonNode before, JsonNode after, String path) {
        JsonNode propsBefore = before.path("properties");
        JsonNode propsAfter = after.path("properties");
        for (String name : propsBefore.propertyNames()) {
            String child = path.isEmpty() ? name : path + "." + name;
            if (!propsAfter.has(name)) {
                problems.add("'" + child + "' was removed or renamed");
            } else {
                compare(propsBefore.get(name), propsAfter.get(name), child);
            }
        }
        Set<String> requiredBefore = strings(before.path("required"));
        Set<String> requiredAfter = strings(after.path("required"));
        for (String name : requiredAfter) {
            if (!requiredBefore.contains(name)) {
                String child = path.isEmpty() ? name : path + "." + name;
                problems.add(
                        propsBefore.has(name)
                                ? "'" + child + "' became required"
                                : "'" + child + "' is a new required property");
            }
        }
        for (String name : requiredBefore) {
            if (!requiredAfter.contains(name) && propsAfter.has(name)) {
                String child = path.isEmpty() ? name : path + "." + name;
                problems.add("'" + child + "' is no longer required");
            }
        }
    }

    private void compareEnums(JsonNode before, JsonNode after, String where) {
        if (!before.has("enum")) {
            if (after.has("enum")) {
                problems.add(where + " is now restricted to the values " + values(after.get("enum")));
            }
            return;
        }
        if (!after.has("enum")) {
            problems.add(where + " is no longer restricted to " + values(before.get("enum"))
                    + ", which readers built before cannot read other values");
            return;
        }
        Set<String> removed = new TreeSet<>(values(before.get("enum")));
        removed.removeAll(values(after.get("enum")));
        if (!removed.isEmpty()) {
            problems.add(where + " lost the enum values " + removed);
        }
        Set<String> added = new TreeSet<>(values(after.get("enum")));
        added.removeAll(values(before.get("enum")));
        if (!added.isEmpty()) {
            problems.add(where + " gained the enum values " + added + ", which readers built before cannot read");
        }
    }

    private void compareOtherKeywords(JsonNode before, JsonNode after, String where) {
        Set<String> keywords = new TreeSet<>(before.propertyNames());
        keywords.addAll(after.propertyNames());
        keywords.removeAll(UNDERSTOOD);
        for (String keyword : keywords) {
            if (!before.path(keyword).equals(after.path(keyword))) {
                problems.add(where + " changed '" + keyword + "', which this check cannot prove compatible");
            }
        }
    }

    /** Follows a local {@code $ref} ({@code #/$defs/Name}); generators emit them for shared records. */
    private static JsonNode resolve(JsonNode root, JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; current.has("$ref") && hops < 32; hops++) {
            String ref = current.get("$ref").asString();
            if (!ref.startsWith("#")) {
                throw new IllegalArgumentException("Only local $ref are supported, got " + ref);
            }
            JsonNode target = root.at(ref.substring(1));
            if (target.isMissingNode()) {
                throw new IllegalArgumentException("Unresolvable $ref " + ref);
            }
            current = target;
        }
        return current;
    }

    /**
     * Rewrites {@code const: v} into {@code enum: [v]}, and {@code anyOf: [{type: null}, X]}, the generator's spelling of a nullable enum or object,
     * into X with {@code null} added to its types, so that nullability is compared the same way for every
     * property.
     */
    private static JsonNode normalise(JsonNode root, JsonNode node) {
        if (node.has("const") && !node.has("enum")) {
            ObjectNode asEnum = ((ObjectNode) node).deepCopy();
            asEnum.putArray("enum").add(asEnum.remove("const"));
            return normalise(root, asEnum);
        }
        JsonNode anyOf = node.get("anyOf");
        if (!(anyOf instanceof ArrayNode options) || options.size() != 2) {
            return node;
        }
        JsonNode nullOption = null;
        JsonNode other = null;
        for (JsonNode option : options) {
            if (option.size() == 1 && "null".equals(option.path("type").asString(null))) {
                nullOption = option;
            } else {
                other = option;
            }
        }
        if (nullOption == null || other == null) {
            return node;
        }
        ObjectNode merged = ((ObjectNode) resolve(root, other)).deepCopy();
        ((ObjectNode) node).properties().forEach(e -> {
            if (!e.getKey().equals("anyOf")) {
                merged.set(e.getKey(), e.getValue());
            }
        });
        ArrayNode types = merged.arrayNode();
        types(merged).forEach(types::add);
        types.add("null");
        merged.set("type", types);
        return merged;
    }

    private static Set<String> types(JsonNode schema) {
        JsonNode type = schema.path("type");
        Set<String> types = new TreeSet<>();
        if (type.isString()) {
            types.add(type.asString());
        } else if (type.isArray()) {
            type.forEach(t -> types.add(t.asString()));
        }
        return types;
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> result = new LinkedHashSet<>();
        array.forEach(value -> result.add(value.asString()));
        return result;
    }

    private static Set<String> values(JsonNode array) {
        Set<String> result = new TreeSet<>();
        array.forEach(value -> result.add(value.isNull() ? "null" : value.asString()));
        return result;
    }
}
