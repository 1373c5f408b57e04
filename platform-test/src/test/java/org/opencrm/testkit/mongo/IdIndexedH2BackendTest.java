package org.opencrm.testkit.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdIndexedH2BackendTest extends IdPinnedFiltersContract {

    @TempDir
    static Path dir;

    private IdIndexedH2Backend backend;

    @Override
    MongoBackend newBackend() {
        backend = new IdIndexedH2Backend(dir.resolve("contract.mv").toString());
        return backend;
    }

    @Override
    long documentsExamined() {
        return backend.documentsExamined();
    }

    @Test
    void theStoreKeepsASixteenthOfTheHeapOfPagesInMemoryAndNeverLessThanMvStoresDefault() {
        long megabyte = 1024 * 1024;
        assertThat(IdIndexedH2Backend.cacheMegabytes(8192 * megabyte)).isEqualTo(512);
        assertThat(IdIndexedH2Backend.cacheMegabytes(1024 * megabyte)).isEqualTo(64);
        assertThat(IdIndexedH2Backend.cacheMegabytes(256 * megabyte)).isEqualTo(16);
        var opened = new IdIndexedH2Backend(dir.resolve("cache.mv").toString());
        try {
            assertThat(opened.getMvStore().getCacheSize())
                    .isEqualTo(IdIndexedH2Backend.cacheMegabytes(
                            Runtime.getRuntime().maxMemory()));
        } finally {
            opened.close();
        }
    }

    @Test
    void whatWasWrittenIsThereAfterTheFileIsOpenedAgainAndStillFoundByItsIdIndex() {
        String file = dir.resolve("reopened.mv").toString();
        var first = new MongoServer(new IdIndexedH2Backend(file));
        try (var client =
                MongoClients.create("mongodb://127.0.0.1:" + first.bind().getPort())) {
            client.getDatabase("crm-contacts")
                    .getCollection("phone_index")
                    .insertOne(new Document("_id", "+4930123")
                            .append("contactId", "c-1")
                            .append("version", 2L));
        }
        first.shutdownNow();

        var reopened = new IdIndexedH2Backend(file);
        var second = new MongoServer(reopened);
        try (var client =
                MongoClients.create("mongodb://127.0.0.1:" + second.bind().getPort())) {
            var index = client.getDatabase("crm-contacts").getCollection("phone_index");
            long before = reopened.documentsExamined();

            var found = index.find(new Document("_id", "+4930123").append("version", 2L))
                    .first();

            assertThat(found).containsEntry("contactId", "c-1");
            assertThat(reopened.documentsExamined() - before).isEqualTo(1);
        } finally {
            second.shutdownNow();
        }
    }

    /**
     * A file written by the stock backend, whose index maps are ordered by the keys' serialization: opened here, its
     * unique indexes are rebuilt in value order, so every document is still found from them and a duplicate is still
     * refused; opened once more, they are kept.
     */
    @Test
    void aFileOfTheStockBackendIsFoundByItsIndexesAfterTheyAreRebuiltInValueOrder() {
        String file = dir.resolve("stock.mv").toString();
        List<Object> ids = mixedIds();
        var stock = new MongoServer(new H2Backend(file));
        try (var client =
                MongoClients.create("mongodb://127.0.0.1:" + stock.bind().getPort())) {
            var leads = client.getDatabase("crm-deals").getCollection("leads");
            leads.createIndex(Indexes.ascending("externalKey"), new IndexOptions().unique(true));
            for (int i = 0; i < ids.size(); i++) {
                leads.insertOne(new Document("_id", ids.get(i)).append("externalKey", "k-" + i));
            }
        }
        stock.shutdownNow();

        for (int open = 1; open <= 2; open++) {
            var reopened = new IdIndexedH2Backend(file);
            var server = new MongoServer(reopened);
            try (var client =
                    MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort())) {
                var leads = client.getDatabase("crm-deals").getCollection("leads");
                for (int i = 0; i < ids.size(); i++) {
                    long before = reopened.documentsExamined();
                    assertThat(leads.find(new Document("_id", ids.get(i))).first())
                            .as("open %d, _id %s", open, ids.get(i))
                            .containsEntry("externalKey", "k-" + i);
                    assertThat(reopened.documentsExamined() - before).isEqualTo(1);
                }
                assertRefused(leads, new Document("_id", ids.get(3)).append("externalKey", "new"));
                assertRefused(leads, new Document("_id", "another").append("externalKey", "k-5"));
                assertThat(leads.countDocuments()).isEqualTo(ids.size());
            } finally {
                server.shutdownNow();
            }
        }
    }

    /** Keys of every kind the services use, in one index: each found, each unique, whatever the page layout. */
    @Test
    void keysOfMixedTypesAreEachFoundAndUnique() {
        var server =
                new MongoServer(new IdIndexedH2Backend(dir.resolve("mixed.mv").toString()));
        try (var client =
                MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort())) {
            var facts = client.getDatabase("crm-analytics").getCollection("facts");
            List<Object> ids = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                ids.addAll(mixedIds());
            }
            for (int i = 0; i < ids.size(); i++) {
                facts.insertOne(new Document("_id", new Document("n", i).append("key", ids.get(i))));
            }
            for (int i = 0; i < ids.size(); i += 37) {
                var id = new Document("n", i).append("key", ids.get(i));
                assertThat(facts.find(new Document("_id", id)).first())
                        .as("_id %s", id)
                        .isNotNull();
                assertRefused(facts, new Document("_id", id));
            }
            assertThat(facts.countDocuments()).isEqualTo(ids.size());
        } finally {
            server.shutdownNow();
        }
    }

    /** A dropped collection's index maps go with it: the same ids can be inserted again, also after reopening. */
    @Test
    void aCollectionDroppedAndCreatedAgainTakesTheSameIds() {
        String file = dir.resolve("dropped.mv").toString();
        for (int open = 1; open <= 2; open++) {
            var server = new MongoServer(new IdIndexedH2Backend(file));
            try (var client =
                    MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort())) {
                var versions = client.getDatabase("crm-analytics").getCollection("rollups_v2");
                // the second open finds the first one's document: dropped with its collection
                versions.drop();
                versions.insertOne(new Document("_id", "t1|closed-day|2026-11-23").append("open", open));
                versions.drop();
                versions.insertOne(new Document("_id", "t1|closed-day|2026-11-23").append("open", open));
                assertThat(versions.find(new Document("_id", "t1|closed-day|2026-11-23"))
                                .first())
                        .containsEntry("open", open);
                assertRefused(versions, new Document("_id", "t1|closed-day|2026-11-23"));
            } finally {
                server.shutdownNow();
            }
        }
    }

    private static List<Object> mixedIds() {
        return new ArrayList<>(List.of(
                "deal-1",
                "deal-10",
                "deal-2",
                new ObjectId(),
                new ObjectId(),
                42L,
                7,
                2.5,
                new Date(1_700_000_000_000L),
                new Document("tenantId", "t1").append("dealId", "d-9"),
                true));
    }

    private static void assertRefused(MongoCollection<Document> collection, Document document) {
        assertThatThrownBy(() -> collection.insertOne(document))
                .isInstanceOf(MongoWriteException.class)
                .hasMessageContaining("duplicate key");
    }
}
