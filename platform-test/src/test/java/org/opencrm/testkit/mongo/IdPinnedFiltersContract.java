package org.opencrm.testkit.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.inc;
import static com.mongodb.client.model.Updates.set;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the test kit's backends promise: an optimistic-locking save looks at one document, not the collection, and
 * every answer is still exact. {@link IdIndexedMemoryBackendTest} and {@link IdIndexedH2BackendTest} run it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class IdPinnedFiltersContract {

    private static final int DEALS = 5_000;

    private MongoServer server;
    private int port;
    private MongoClient client;
    private MongoCollection<Document> deals;

    /** A new backend of the kind under test. */
    abstract MongoBackend newBackend();

    /** Documents the backend compared against a filter so far. */
    abstract long documentsExamined();

    @BeforeAll
    void start() {
        server = new MongoServer(newBackend());
        var address = server.bind();
        port = address.getPort();
        client = MongoClients.create("mongodb://127.0.0.1:" + port);
        deals = client.getDatabase("deals").getCollection("deals");
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < DEALS; i++) {
            documents.add(new Document("_id", "deal-" + i).append("version", 3L).append("stage", "NEW"));
        }
        deals.insertMany(documents);
    }

    @AfterAll
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void aVersionCheckedSaveExaminesOnlyTheDocumentItNames() {
        long before = documentsExamined();

        // the shape Spring Data's save of a @Version entity sends
        var result = deals.updateOne(
                new Document("_id", "deal-17").append("version", 3L),
                combine(set("stage", "PROPOSAL"), inc("version", 1L)));

        assertThat(result.getMatchedCount()).isEqualTo(1);
        assertThat(documentsExamined() - before).isEqualTo(1);
        assertThat(deals.find(eq("_id", "deal-17")).first())
                .containsEntry("stage", "PROPOSAL")
                .containsEntry("version", 4L);
    }

    @Test
    void theDriversAndOfIdAndVersionIsAnsweredFromTheIndexToo() {
        long before = documentsExamined();

        var result = deals.updateOne(
                and(eq("_id", "deal-19"), eq("version", 3L)), combine(set("stage", "PROPOSAL"), inc("version", 1L)));

        assertThat(result.getMatchedCount()).isEqualTo(1);
        assertThat(documentsExamined() - before).isEqualTo(1);
        assertThat(deals.find(eq("_id", "deal-19")).first())
                .containsEntry("stage", "PROPOSAL")
                .containsEntry("version", 4L);
    }

    @Test
    void aStaleVersionStillMatchesNothingAndChangesNothing() {
        var result = deals.updateOne(new Document("_id", "deal-18").append("version", 2L), set("stage", "LOST"));

        assertThat(result.getMatchedCount()).isZero();
        assertThat(deals.find(eq("_id", "deal-18")).first()).containsEntry("stage", "NEW");
    }

    @Test
    void anIdListWithAnotherConditionIsAnsweredFromTheIndexToo() {
        deals.updateOne(eq("_id", "deal-21"), set("stage", "WON"));
        long before = documentsExamined();

        var won = deals.find(new Document("_id", new Document("$in", List.of("deal-20", "deal-21", "deal-22", "none")))
                        .append("stage", "WON"))
                .into(new ArrayList<>());

        assertThat(won).extracting(d -> d.get("_id")).containsExactly("deal-21");
        assertThat(documentsExamined() - before).isEqualTo(3);
    }

    @Test
    void aDeleteGuardedByVersionRemovesOnlyTheMatchingVersion() {
        assertThat(deals.deleteOne(new Document("_id", "deal-30").append("version", 9L))
                        .getDeletedCount())
                .isZero();
        assertThat(deals.deleteOne(new Document("_id", "deal-30").append("version", 3L))
                        .getDeletedCount())
                .isEqualTo(1);
        assertThat(deals.countDocuments(eq("_id", "deal-30"))).isZero();
    }

    @Test
    void filtersWithoutTheIdStillScanAndAnswer() {
        deals.updateOne(eq("_id", "deal-40"), set("stage", "ON_HOLD"));
        long before = documentsExamined();

        var onHold = deals.find(eq("stage", "ON_HOLD")).into(new ArrayList<>());

        assertThat(onHold).extracting(d -> d.get("_id")).containsExactly("deal-40");
        assertThat(documentsExamined() - before).isGreaterThanOrEqualTo(DEALS);
    }

    @Test
    void theServersOwnCollectionsWorkInEveryDatabase() {
        var database = client.getDatabase("another");
        database.getCollection("cards").insertOne(new Document("_id", "c1").append("version", 0L));

        assertThat(database.listCollectionNames().into(new ArrayList<>())).contains("cards");
        assertThat(database.getCollection("cards").countDocuments(new Document("_id", "c1").append("version", 0L)))
                .isEqualTo(1);
    }

    /**
     * A find whose answer is larger than the driver takes in one reply (48 MB) arrives whole, in batches, as MongoDB
     * sends it. The embedded server sent such an answer in one reply and the driver refused it with a
     * MongoInternalException: a year's deals report at 1,000,000 deals (62 MB) answered HTTP 500 in bench B3.
     */
    @Test
    void aFindLargerThanOneReplyArrivesWholeInBatches() {
        var rollups = client.getDatabase("analytics").getCollection("rollups");
        String filler = "x".repeat(12_000_000);
        for (int day = 1; day <= 5; day++) {
            rollups.insertOne(new Document("_id", "t1|closed|2026-01-0" + day)
                    .append("day", day)
                    .append("entries", filler));
        }
        rollups.insertOne(new Document("_id", "t2|closed|2026-01-01").append("day", 1));

        // a range of days by _id with another condition, no batch size named: ~60 MB in all
        var days = rollups.find(new Document("_id", new Document("$gte", "t1|").append("$lt", "t1|~"))
                        .append("day", new Document("$gte", 1)))
                .into(new ArrayList<>());
        // a batch size the client names still holds
        var twoAtATime = rollups.find(new Document("day", new Document("$lte", 4)))
                .batchSize(2)
                .into(new ArrayList<>());

        assertThat(days).extracting(d -> d.get("day")).containsExactly(1, 2, 3, 4, 5);
        assertThat(days).allSatisfy(d -> assertThat(d.getString("entries")).hasSameSizeAs(filler));
        assertThat(twoAtATime)
                .extracting(d -> d.get("_id"))
                .containsExactlyInAnyOrder(
                        "t1|closed|2026-01-01",
                        "t1|closed|2026-01-02",
                        "t1|closed|2026-01-03",
                        "t1|closed|2026-01-04",
                        "t2|closed|2026-01-01");
        rollups.drop();
    }

    /**
     * A document read while another client replaces it is one whole version, as MongoDB answers from a snapshot.
     * The memory backend used to hand its stored document to the reply, which the server encodes after the
     * collection's lock is released, while an update changed that same document in place: the reader got a mix of
     * both versions, or the encoding failed with a ConcurrentModificationException and the server closed the
     * reader's connection (seen in CI and in bench B3).
     */
    @Test
    void aDocumentReadWhileAnotherClientReplacesItIsOneWholeVersion() throws Exception {
        // without the driver's retries: a connection the server closed must fail the read, not be hidden
        var settings = com.mongodb.MongoClientSettings.builder()
                .applyConnectionString(new com.mongodb.ConnectionString("mongodb://127.0.0.1:" + port))
                .retryReads(false)
                .retryWrites(false)
                .build();
        try (var strict = MongoClients.create(settings)) {
            readWhileReplaced(strict.getDatabase("deals").getCollection("races"));
        }
    }

    private void readWhileReplaced(MongoCollection<Document> races) throws Exception {
        races.insertOne(version("x"));
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        var writer = java.util.concurrent.CompletableFuture.runAsync(() -> {
            for (int i = 0; !stop.get(); i++) {
                races.replaceOne(eq("_id", "doc"), version(i % 2 == 0 ? "y" : "x"));
            }
        });
        try {
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(3);
            int reads = 0;
            while (System.nanoTime() < until && !writer.isDone()) {
                // by _id (the index) and by another field (the scan): both reply with the stored document
                for (Document read : List.of(
                        races.find(eq("_id", "doc")).first(),
                        races.find(eq("kind", "race")).first())) {
                    assertThat(read.keySet())
                            .isEqualTo(version(read.getString("shape")).keySet());
                    reads++;
                }
            }
            assertThat(reads).isGreaterThan(100);
        } finally {
            stop.set(true);
            writer.get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** The document {@code doc} in one of two shapes that share no field but {@code _id}, {@code kind} and {@code shape}. */
    private static Document version(String shape) {
        var document = new Document("_id", "doc").append("kind", "race").append("shape", shape);
        for (int field = 0; field < 60; field++) {
            document.append(shape + field, field);
        }
        return document;
    }
}
