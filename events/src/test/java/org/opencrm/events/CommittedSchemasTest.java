package org.opencrm.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencrm.events.contacts.ContactArchived;
import org.opencrm.events.contacts.ContactCreated;
import tools.jackson.databind.node.ObjectNode;

/** Check and update mode of {@link CommittedSchemas}, on a scratch directory instead of the real files. */
class CommittedSchemasTest {

    private static final EventType<ContactCreated> CREATED = EventCatalog.of(ContactCreated.class);
    private static final EventType<ContactArchived> ARCHIVED = EventCatalog.of(ContactArchived.class);
    private static final List<EventType<?>> TYPES = List.of(CREATED, ARCHIVED);

    @TempDir
    Path dir;

    private CommittedSchemas committed() {
        return new CommittedSchemas(dir);
    }

    private ObjectNode generated(EventType<?> type) {
        return new EventSchemas().schemaOf(type);
    }

    private void commit(EventType<?> type, ObjectNode schema) throws IOException {
        Files.writeString(committed().fileOf(type), EventSchemas.render(schema));
    }

    @Test
    void aMissingSchemaFailsTheCheckAndNamesTheUpdateCommand() {
        var problems = committed().sync(TYPES, false);

        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("crm.contacts.ContactCreated.v1: no committed"));
        assertThat(problems).last().asString().contains(CommittedSchemas.UPDATE_COMMAND);
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void updateModeWritesMissingSchemasAndThenTheCheckPasses() {
        assertThat(committed().sync(TYPES, true)).isEmpty();

        assertThat(committed().fileOf(CREATED)).exists();
        assertThat(committed().fileOf(ARCHIVED)).exists();
        assertThat(committed().sync(TYPES, false)).isEmpty();
    }

    @Test
    void aCompatibleChangeFailsTheCheckUntilTheSchemaIsRegenerated() throws IOException {
        ObjectNode older = generated(CREATED);
        ((ObjectNode) older.get("properties")).remove("importId");
        commit(CREATED, older);
        commit(ARCHIVED, generated(ARCHIVED));

        assertThat(committed().sync(TYPES, false))
                .anySatisfy(p -> assertThat(p).contains("older than the record"))
                .anySatisfy(p -> assertThat(p).contains(CommittedSchemas.UPDATE_COMMAND));

        assertThat(committed().sync(TYPES, true)).isEmpty();
        assertThat(EventSchemas.parse(Files.readString(committed().fileOf(CREATED))))
                .isEqualTo(generated(CREATED));
    }

    @Test
    void updateModeRefusesToOverwriteASchemaWithABreakingChange() throws IOException {
        ObjectNode withFieldTheRecordLost = generated(ARCHIVED);
        ((ObjectNode) withFieldTheRecordLost.get("properties"))
                .putObject("reason")
                .put("type", "string");
        commit(ARCHIVED, withFieldTheRecordLost);
        commit(CREATED, generated(CREATED));
        String before = Files.readString(committed().fileOf(ARCHIVED));

        var problems = committed().sync(TYPES, true);

        assertThat(problems)
                .singleElement()
                .asString()
                .contains("crm.contacts.ContactArchived.v1", "'reason' was removed or renamed", ".v2");
        assertThat(Files.readString(committed().fileOf(ARCHIVED))).isEqualTo(before);
    }

    @Test
    void aSchemaWithoutACatalogEntryIsReportedAndKept() throws IOException {
        committed().sync(TYPES, true);
        Path orphan = dir.resolve("crm.contacts.ContactVanished.v1.json");
        Files.writeString(orphan, "{}");

        assertThat(committed().sync(TYPES, true))
                .singleElement()
                .asString()
                .startsWith("crm.contacts.ContactVanished.v1.json has no event type in EventCatalog");
        assertThat(orphan).exists();
    }
}
