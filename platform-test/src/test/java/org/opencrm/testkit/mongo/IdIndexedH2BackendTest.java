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
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.BsonBinarySubType;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
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

    /**
     * The documents of a file written by the stock backend (Java serialization) are converted to BSON when the file
     * is opened here: every value reads back as it was written, on that open and the next, and every document map of
     * the file then holds BSON.
     */
    @Test
    void documentsOfAStockFileReadBackTheSameOnceConvertedToBson() {
        String file = dir.resolve("stock-values.mv").toString();
        var stock = new MongoServer(new H2Backend(file));
        List<Document> written = new ArrayList<>();
        try (var client =
                MongoClients.create("mongodb://127.0.0.1:" + stock.bind().getPort())) {
            var deals = client.getDatabase("crm-analytics").getCollection("deal_facts_v1");
            for (int i = 0; i < 300; i++) {
                deals.insertOne(everyValueType(i));
            }
            client.getDatabase("crm-contacts").getCollection("contacts").insertOne(everyValueType(-1));
            deals.find().sort(new Document("_id", 1)).into(written);
        }
        stock.shutdownNow();
        assertThat(written).hasSize(300);

        for (int open = 1; open <= 2; open++) {
            var reopened = new IdIndexedH2Backend(file);
            var server = new MongoServer(reopened);
            try (var client =
                    MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort())) {
                var deals = client.getDatabase("crm-analytics").getCollection("deal_facts_v1");
                assertThat(deals.find().sort(new Document("_id", 1)).into(new ArrayList<>()))
                        .as("open %d", open)
                        .isEqualTo(written);
                assertThat(client.getDatabase("crm-contacts")
                                .getCollection("contacts")
                                .find()
                                .first())
                        .isEqualTo(everyValueType(-1));
                for (String name : reopened.getMvStore().getMapNames()) {
                    if (name.startsWith("databases.")) {
                        assertThat(reopened.getMvStore().openMap(name).getValueType())
                                .as("value type of %s", name)
                                .isInstanceOf(BsonDocumentType.class);
                    }
                }
                deals.updateOne(new Document("_id", "deal-7"), new Document("$set", new Document("open", open)));
                Document changed = deals.find(new Document("_id", "deal-7")).first();
                assertThat(changed).containsEntry("open", open);
                // what the next open reads back
                written.replaceAll(deal -> deal.get("_id").equals("deal-7") ? changed : deal);
            } finally {
                server.shutdownNow();
            }
        }
    }

    /**
     * A process that died after a stock map's BSON copy was complete and the old map removed, before the copy took its
     * name, leaves the copy alone in the file: the next open gives it the name, and its documents are found.
     */
    @Test
    void aCompleteCopyLeftWithoutItsOldMapTakesItsName() {
        String file = dir.resolve("interrupted.mv").toString();
        var stock = new MongoServer(new H2Backend(file));
        try (var client =
                MongoClients.create("mongodb://127.0.0.1:" + stock.bind().getPort())) {
            client.getDatabase("crm-analytics")
                    .getCollection("rollups_v1")
                    .insertOne(new Document("_id", "t1|open|p1").append("n", 3L));
        }
        stock.shutdownNow();
        // the conversion up to where a process died: the copy complete, the old map removed, the copy not renamed
        try (var store = MVStore.open(file)) {
            MVMap<Object, de.bwaldvogel.mongo.bson.Document> old = store.openMap("databases.crm-analytics.rollups_v1");
            var copy = store.openMap(
                    "testkit:bson-copy:databases.crm-analytics.rollups_v1",
                    new MVMap.Builder<Object, de.bwaldvogel.mongo.bson.Document>().valueType(new BsonDocumentType()));
            copy.putAll(old);
            store.removeMap(old);
        }

        var server = new MongoServer(new IdIndexedH2Backend(file));
        try (var client =
                MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort())) {
            var rollups = client.getDatabase("crm-analytics").getCollection("rollups_v1");
            assertThat(rollups.find(new Document("_id", "t1|open|p1")).first())
                    .isEqualTo(new Document("_id", "t1|open|p1").append("n", 3L));
            assertRefused(rollups, new Document("_id", "t1|open|p1"));
        } finally {
            server.shutdownNow();
        }
    }

    /**
     * An update stores a new document and leaves the instance it replaces as it was: MVStore's background thread may
     * still be writing the page version that holds that instance (the library's update changed it in place).
     */
    @Test
    void anUpdateLeavesTheDocumentItReplacesUnchanged() {
        var backend = new IdIndexedH2Backend(dir.resolve("replaced.mv").toString());
        var server = new MongoServer(backend);
        try (var client =
                MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort())) {
            var deals = client.getDatabase("crm-analytics").getCollection("deal_facts_v1");
            deals.insertOne(
                    new Document("_id", "deal-1").append("pending", "r1").append("stage", "new"));
            var stored = backend.getMvStore()
                    .<Object, de.bwaldvogel.mongo.bson.Document>openMap("databases.crm-analytics.deal_facts_v1");
            var before = stored.get("deal-1");

            deals.updateOne(
                    new Document("_id", "deal-1"),
                    new Document("$unset", new Document("pending", ""))
                            .append("$set", new Document("stage", "won").append("rev", 2L)));

            assertThat(before)
                    .containsEntry("pending", "r1")
                    .containsEntry("stage", "new")
                    .doesNotContainKey("rev");
            assertThat(stored.get("deal-1"))
                    .isNotSameAs(before)
                    .doesNotContainKey("pending")
                    .containsEntry("stage", "won");
            assertThat(deals.find(new Document("_id", "deal-1")).first())
                    .isEqualTo(
                            new Document("_id", "deal-1").append("stage", "won").append("rev", 2L));
        } finally {
            server.shutdownNow();
        }
    }

    private static Document everyValueType(int i) {
        return new Document("_id", "deal-" + i)
                .append("tenantId", "t1")
                .append("int32", i)
                .append("int64", 1L << 40 | i)
                .append("double", i / 3.0)
                .append("decimal", new Decimal128(new BigDecimal("1234.56").add(BigDecimal.valueOf(i))))
                .append("flag", i % 2 == 0)
                .append("nothing", null)
                .append("at", new Date(1_700_000_000_000L + i))
                .append("objectId", new ObjectId(1_700_000_000, i & 0xffffff))
                .append("bytes", new Binary(new byte[] {1, 2, (byte) i}))
                .append("uuid", new Binary(BsonBinarySubType.UUID_STANDARD, uuidBytes(i)))
                .append("list", List.of("a", i, new Document("nested", List.of(1.5, "b"))))
                .append("entries", new Document("d1|p1|s" + i, new Document("n", i).append("sum", 2.5 * i)));
    }

    private static byte[] uuidBytes(int i) {
        byte[] bytes = new byte[16];
        bytes[0] = (byte) i;
        bytes[15] = (byte) (i >> 8);
        return bytes;
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
