package org.opencrm.testkit.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.result.UpdateResult;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk backend's own path for {@code $set}/{@code $unset} updates ({@link PathUpdate}) gives what the library
 * gives: the same documents, the same matched and modified counts, the same errors, for the updates it takes and for
 * the ones it hands back to the library; and what it stored reads back the same after the file is opened again.
 */
class PathUpdateTest {

    @TempDir
    Path dir;

    @Test
    void setsAndUnsetsGiveWhatTheLibraryGivesAndReadBackAfterReopening() {
        String file = dir.resolve("updates.mv").toString();
        List<Document> updates = scriptedAndRandomUpdates();
        var library = new MongoServer(new MemoryBackend());
        var disk = new MongoServer(new IdIndexedH2Backend(file));
        try (var expected = client(library);
                var actual = client(disk)) {
            var want = rollups(expected);
            var got = rollups(actual);
            for (var collection : List.of(want, got)) {
                collection.createIndex(Indexes.ascending("_id", "rev"), new IndexOptions().unique(true));
                collection.insertMany(startingDocuments());
            }
            int i = 0;
            for (Document update : updates) {
                // the filters the projection writes with: _id alone, _id with the revision, an _id list
                Document filter = switch (i % 3) {
                    case 0 -> new Document("_id", "r" + (i % 4));
                    case 1 -> new Document("_id", "r" + (i % 4)).append("rev", 1L);
                    default -> new Document("_id", new Document("$in", List.of("r1", "r2", "r9")));
                };
                boolean many = i % 3 == 2 && i % 2 == 0;
                String outcome = outcome(want, filter, update, many);
                assertThat(outcome(got, filter, update, many))
                        .as("update %d: %s", i, update.toJson())
                        .isEqualTo(outcome);
                assertThat(all(got))
                        .as("after update %d: %s", i, update.toJson())
                        .isEqualTo(all(want));
                i++;
            }
            // the size the disk backend sums when asked is the size the library keeps by every write
            assertThat(collectionSize(actual)).isEqualTo(collectionSize(expected));
            disk.shutdownNow();
            disk = new MongoServer(new IdIndexedH2Backend(file));
            try (var reopened = client(disk)) {
                assertThat(all(rollups(reopened))).isEqualTo(all(want));
            }
        } finally {
            library.shutdownNow();
            disk.shutdownNow();
        }
    }

    private static List<Document> scriptedAndRandomUpdates() {
        List<Document> updates = new ArrayList<>(List.of(
                set("e.k1.n", 2L),
                set("e.k2", new Document("n", 1L).append("sum", 5.5)),
                unset("e.k1.n"),
                unset("e.missing.n"),
                unset("nowhere"),
                set("marks.deal-1", 4L).append("$unset", new Document("e.k2.sum", "")),
                set("a.b.c.d", "deep"),
                set("e.k1", new Document("n", 3L)).append("$unset", new Document("e.k1.n", "")),
                set("e", new Document()).append("$unset", new Document("e.k2", "")),
                set("e.k1.n", 1L).append("$set", new Document("e.k1.n", 1L)),
                set("list.0", "x"),
                set("list.1.x", 1),
                set("scalar.x", 1),
                unset("scalar.x"),
                unset("list.0.x"),
                set("_id", "other"),
                set("x", new Document("$bad", 1)),
                new Document("$inc", new Document("rev", 1L)),
                new Document("$set", new Document()),
                set("rev", 2L),
                set("rev", 1L),
                set("same", "value"),
                set("same", "value"),
                set("e.k1.n", null),
                set("e.k1.n", null),
                set("nothing", null),
                unset("e.k1.n")));
        var random = new Random(7);
        for (int i = 0; i < 300; i++) {
            String path = switch (random.nextInt(4)) {
                case 0 -> "e.k" + random.nextInt(6) + ".n";
                case 1 -> "e.k" + random.nextInt(6);
                case 2 -> "hg.c" + random.nextInt(3) + ".b" + random.nextInt(3);
                default -> "marks.deal-" + random.nextInt(5);
            };
            Object value = random.nextBoolean() ? (Object) (long) random.nextInt(3) : new Document("n", 1L);
            updates.add(random.nextInt(3) == 0 ? unset(path) : set(path, value));
        }
        return updates;
    }

    private static List<Document> startingDocuments() {
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            documents.add(new Document("_id", "r" + i)
                    .append("rev", 1L)
                    .append("e", new Document("k1", new Document("n", 1L)).append("k2", new Document("n", 2L)))
                    .append("list", List.of("a", new Document("x", 0)))
                    .append("scalar", 5));
        }
        return documents;
    }

    private static Document set(String path, Object value) {
        return new Document("$set", new Document(path, value));
    }

    private static Document unset(String path) {
        return new Document("$unset", new Document(path, ""));
    }

    /** What a client sees of the update: its counts, or its error's code and message. */
    private static String outcome(
            MongoCollection<Document> collection, Document filter, Document update, boolean many) {
        try {
            UpdateResult result = many ? collection.updateMany(filter, update) : collection.updateOne(filter, update);
            return "matched " + result.getMatchedCount() + ", modified " + result.getModifiedCount();
        } catch (MongoWriteException e) {
            return "error " + e.getCode() + ": " + e.getError().getMessage();
        }
    }

    private static List<Document> all(MongoCollection<Document> collection) {
        return collection.find().sort(new Document("_id", 1)).into(new ArrayList<>());
    }

    private static Object collectionSize(MongoClient client) {
        return client.getDatabase("crm-analytics")
                .runCommand(new Document("collStats", "rollups_v1"))
                .get("size");
    }

    private static MongoCollection<Document> rollups(MongoClient client) {
        return client.getDatabase("crm-analytics").getCollection("rollups_v1");
    }

    private static MongoClient client(MongoServer server) {
        return MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort());
    }
}
