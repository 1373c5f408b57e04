package org.opencrm.testkit.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link IdIndexedH2Backend}'s string {@code _id} ranges, read from its sorted map, against the stock H2 backend:
 * the same answers in the same order on the inherited random data and filters, and only the range examined.
 */
class IdRangeQueriesOnH2Test extends IdRangeQueriesTest {

    @TempDir
    Path dir;

    private IdIndexedH2Backend backend;

    @Override
    MongoBackend indexedBackend() {
        backend = new IdIndexedH2Backend(file("indexed"));
        return backend;
    }

    @Override
    MongoBackend stockBackend() {
        return new H2Backend(file("stock"));
    }

    @Override
    long documentsExamined() {
        return backend.documentsExamined();
    }

    /** Fewer than in memory: the stock H2 backend reads and decodes every document of each scan from its map. */
    @Override
    int randomQueries() {
        return 150;
    }

    /**
     * MVStore's map cannot order a key it stores serialized (an ObjectId, a date) against a key of another type in
     * some page layouts: the insert fails with "Can not compare" in the stock H2 backend too (about one random load
     * in six). The services never mix {@code _id} types in a collection, so numbers and strings are drawn here.
     */
    @Override
    boolean objectIdsAndDates() {
        return false;
    }

    private String file(String name) {
        return dir.resolve(name + "-" + UUID.randomUUID() + ".mv").toString();
    }

    /** Ranges of numbers scan here, as the stock backend does; the analytics rollups' month ids stand in. */
    @Override
    @Test
    void aRangeWithoutALimitExaminesTheRangeAlone() {
        List<Document> rollups = new ArrayList<>();
        for (int month = 1; month <= 12; month++) {
            for (String tenant : List.of("t1", "t2", "t3")) {
                rollups.add(new Document("_id", "%s|asof-month|2026-%02d".formatted(tenant, month))
                        .append("open", month % 2 == 0));
            }
        }
        for (int i = 0; i < 5_000; i++) {
            rollups.add(new Document("_id", "t2|asof-day|%06d".formatted(i)));
        }
        indexed.insertMany(rollups);
        long before = documentsExamined();

        // the pipeline-as-of report's months of one tenant before a date
        var months = indexed.find(new Document(
                                "_id", new Document("$gte", "t2|asof-month|").append("$lt", "t2|asof-month|2026-07"))
                        .append("open", true))
                .into(new ArrayList<>());

        assertThat(months)
                .extracting(d -> d.get("_id"))
                .containsExactly("t2|asof-month|2026-02", "t2|asof-month|2026-04", "t2|asof-month|2026-06");
        assertThat(documentsExamined() - before).isEqualTo(6);
    }
}
