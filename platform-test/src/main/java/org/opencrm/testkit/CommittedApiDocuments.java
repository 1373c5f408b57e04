package org.opencrm.testkit;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI documents committed under {@code docs/api/}: a test compares what is served today with the
 * committed file and fails, saying how to regenerate it, when they differ; with {@code -Dcrm.api-docs.update=true}
 * it writes the file instead. Clients and reviewers read the API from these files without a running platform.
 */
public final class CommittedApiDocuments {

    /** The system property that turns the comparison into a rewrite. */
    public static final String UPDATE_PROPERTY = "crm.api-docs.update";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private CommittedApiDocuments() {}

    /** {@code docs/api/<name>.json} in the repository the tests run in (found from Maven's basedir upwards). */
    public static Path fileOf(String name) {
        return repositoryRoot().resolve("docs/api").resolve(name + ".json");
    }

    /**
     * A service's document as committed: keys sorted at every level, pretty-printed, and without
     * {@code servers} (the test's random port says nothing about the API).
     */
    public static String render(String servedDocument) {
        JsonNode document = JSON.readTree(servedDocument);
        if (document instanceof ObjectNode object) {
            object.remove("servers");
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(sorted(document)) + "\n";
    }

    /**
     * Compares {@code expected} with the committed file, or writes it in update mode.
     *
     * @param regenerate the command that regenerates the file, for the failure message
     */
    public static void compareOrWrite(Path file, String expected, String regenerate) {
        String committed = read(file);
        if (expected.equals(committed)) {
            return;
        }
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            write(file, expected);
            return;
        }
        fail(file
                + (committed == null
                        ? " does not exist."
                        : " differs from the API served now: " + firstDifference(committed, expected))
                + "\nIf the change is intended, regenerate the file and commit it:\n  " + regenerate);
    }

    private static String firstDifference(String committed, String expected) {
        List<String> was = committed.lines().toList();
        List<String> is = expected.lines().toList();
        for (int i = 0; i < Math.max(was.size(), is.size()); i++) {
            String a = i < was.size() ? was.get(i) : "<end of file>";
            String b = i < is.size() ? is.get(i) : "<end of file>";
            if (!a.equals(b)) {
                return "line " + (i + 1) + " is\n    " + a.strip() + "\n  but is served as\n    " + b.strip();
            }
        }
        return "(they differ only in line endings)";
    }

    private static JsonNode sorted(JsonNode node) {
        if (node instanceof ObjectNode object) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (String name : new TreeSet<>(object.propertyNames())) {
                copy.set(name, sorted(object.get(name)));
            }
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            array.forEach(element -> copy.add(sorted(element)));
            return copy;
        }
        return node;
    }

    /** The directory holding {@code docs/api}: Maven's basedir (a module) or one of its parents. */
    static Path repositoryRoot() {
        Path start = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
                .toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("docs/api")) && Files.exists(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        throw new IllegalStateException("No docs/api directory above " + start);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
