package org.opencrm.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The contract test: the schemas committed under {@code src/main/resources/schemas} match the records,
 * and no record changed in a way that breaks consumers. With {@code -Devents.schemas.update=true} it
 * rewrites the schemas of compatible changes and still fails on breaking ones.
 */
class EventSchemasTest {

    @Test
    void committedSchemasDescribeTheRecordsAndNoChangeBreaksThem() {
        boolean update = Boolean.getBoolean(CommittedSchemas.UPDATE_PROPERTY);

        var problems = CommittedSchemas.inSources().sync(EventCatalog.all(), update);

        assertThat(problems)
                .withFailMessage(() -> "Event schemas do not match the records:%n  %s"
                        .formatted(String.join(System.lineSeparator() + "  ", problems)))
                .isEmpty();
    }
}
