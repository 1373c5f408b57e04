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
        client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
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
}
