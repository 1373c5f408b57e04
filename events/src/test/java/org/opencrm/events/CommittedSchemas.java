package org.opencrm.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Holds the committed schemas ({@code src/main/resources/schemas/<ce_type>.json}, shipped in the jar) to
 * what the records generate today. In check mode it only reports; in update mode it rewrites the files
 * whose change is compatible, but never one whose change would break consumers: the committed file is
 * the contract, and the way out of a breaking change is a new {@code .v2} type, not a rewritten file.
 */
final class CommittedSchemas {

    static final String UPDATE_PROPERTY = "events.schemas.update";
    static final String UPDATE_COMMAND = "./crm mvn -pl events test -D" + UPDATE_PROPERTY + "=true";

    private final Path directory;
    private final EventSchemas schemas = new EventSchemas();

    CommittedSchemas(Path directory) {
        this.directory = directory;
    }

    /** The directory in the module's sources, whichever directory the tests were started from. */
    static CommittedSchemas inSources() {
        return new CommittedSchemas(moduleDirectory().resolve("src/main/resources/schemas"));
    }

    /** The events module's directory: Maven's {@code basedir}, or found from the working directory. */
    static Path moduleDirectory() {
        Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        return Files.isDirectory(module.resolve("src/main/java/org/opencrm/events"))
                ? module
                : module.resolve("events");
    }

    Path fileOf(EventType<?> type) {
        return directory.resolve(type.type() + ".json");
    }

    /**
     * Compares, and in update mode writes, the schema of every given type; returns what is wrong, each
     * entry a sentence for the developer. Empty means the committed files match the records.
     */
    List<String> sync(List<EventType<?>> types, boolean update) {
        var problems = new ArrayList<String>();
        boolean staleFiles = false;
        for (EventType<?> type : types) {
            Path file = fileOf(type);
            JsonNode generated = schemas.schemaOf(type);
            if (!Files.exists(file)) {
                if (update) {
                    write(file, generated);
                } else {
                    problems.add(type.type() + ": no committed schema at " + file);
                    staleFiles = true;
                }
                continue;
            }
            JsonNode committed = EventSchemas.parse(read(file));
            List<String> breaking = SchemaCompatibility.breakingChanges(committed, generated);
            if (!breaking.isEmpty()) {
                problems.add(type.type() + " (" + type.javaType().getSimpleName()
                        + ") is no longer compatible with its committed schema"
                        + (update ? ", which was left unchanged" : "") + ": "
                        + String.join("; ", breaking)
                        + ". Restore the field, or publish the change as a new event type ending .v"
                        + (version(type) + 1) + " next to this one.");
            } else if (!committed.equals(generated)) {
                if (update) {
                    write(file, generated);
                } else {
                    problems.add(type.type() + ": the committed schema " + file
                            + " is older than the record (a compatible change)");
                    staleFiles = true;
                }
            }
        }
        problems.addAll(orphans(types));
        if (staleFiles) {
            problems.add("Regenerate the schemas with: " + UPDATE_COMMAND + " and commit them.");
        }
        return problems;
    }

    /**
     * A committed schema whose type left the catalogue means an event type was removed or renamed:
     * consumers and replays still meet its events, so that is reported and never cleaned up
     * automatically.
     */
    private List<String> orphans(List<EventType<?>> types) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        Set<Path> expected = types.stream().map(this::fileOf).collect(Collectors.toSet());
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.toString().endsWith(".json"))
                    .filter(file -> !expected.contains(file))
                    .sorted()
                    .map(file -> file.getFileName() + " has no event type in EventCatalog: an event type was"
                            + " removed or renamed, which breaks consumers of its events. Put it back.")
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int version(EventType<?> type) {
        String typeName = type.type();
        return Integer.parseInt(typeName.substring(typeName.lastIndexOf(".v") + 2));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, JsonNode schema) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, EventSchemas.render(schema), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
