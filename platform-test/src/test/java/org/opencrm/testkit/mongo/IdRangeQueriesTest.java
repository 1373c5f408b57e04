package org.opencrm.testkit.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code _id} ranges answered from the sorted {@code _id}s must give exactly the stock memory backend's answers
 * (same documents, same order) on random data and random filters, while looking only at the range. The H2
 * backend's subclass holds {@link IdIndexedH2Backend} to the stock H2 backend the same way.
 */
class IdRangeQueriesTest {

    private static final List<String> KINDS = List.of("DUE", "REMIND", "SLA");

    private final List<MongoServer> servers = new ArrayList<>();
    private final List<MongoClient> clients = new ArrayList<>();
    private IdIndexedMemoryBackend backend;
    MongoCollection<Document> indexed;
    private MongoCollection<Document> stock;

    @BeforeEach
    void start() {
        indexed = collection(indexedBackend());
        stock = collection(stockBackend());
    }

    MongoBackend indexedBackend() {
        backend = new IdIndexedMemoryBackend();
        return backend;
    }

    MongoBackend stockBackend() {
        return new MemoryBackend();
    }

    long documentsExamined() {
        return backend.documentsExamined();
    }

    int randomQueries() {
        return 1_000;
    }

    /** Whether the random ids include ObjectIds and dates beside numbers and strings. */
    boolean objectIdsAndDates() {
        return true;
    }

    private MongoCollection<Document> collection(MongoBackend mongoBackend) {
        var server = new MongoServer(mongoBackend);
        var address = server.bind();
        servers.add(server);
        var client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
        clients.add(client);
        return client.getDatabase("tasks").getCollection("due_index");
    }

    @AfterEach
    void stop() {
        clients.forEach(MongoClient::close);
        servers.forEach(MongoServer::shutdownNow);
    }

    @Test
    void randomRangeQueriesAnswerAsTheStockBackendDoes() {
        long seed = System.nanoTime();
        var random = new Random(seed);
        List<Object> ids = load(random, 3_000);

        // deletes and re-inserts reuse positions, so natural order is not insertion order any more
        for (int i = 0; i < 20; i++) {
            Bson range = randomRange(random, ids);
            assertThat(indexed.deleteMany(range).getDeletedCount())
                    .as("seed %d: deleteMany(%s)", seed, range)
                    .isEqualTo(stock.deleteMany(range).getDeletedCount());
        }
        List<Document> again = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            again.add(new Document("_id", "DUE:" + String.format("%015d", random.nextLong(1_000_000_000L)) + ":r" + i)
                    .append("n", random.nextInt(100)));
        }
        indexed.insertMany(copies(again));
        stock.insertMany(copies(again));
        ids.addAll(again.stream().map(d -> d.get("_id")).toList());

        for (int i = 0; i < randomQueries(); i++) {
            Bson filter = randomFilter(random, ids);
            Bson sort = randomSort(random);
            int limit = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(40);
            int skip = random.nextInt(4) == 0 ? random.nextInt(10) : 0;
            boolean project = random.nextInt(5) == 0;
            var description = "seed %d: find(%s).sort(%s).skip(%d).limit(%d)%s"
                    .formatted(seed, filter, sort, skip, limit, project ? ".projection(n)" : "");

            assertThat(find(indexed, filter, sort, skip, limit, project))
                    .as(description)
                    .isEqualTo(find(stock, filter, sort, skip, limit, project));
            if (i % 10 == 0) {
                assertThat(indexed.countDocuments(filter))
                        .as("seed %d: count(%s)", seed, filter)
                        .isEqualTo(stock.countDocuments(filter));
            }
        }

        for (int i = 0; i < 50; i++) {
            Bson filter = randomFilter(random, ids);
            var update = new Document("$inc", new Document("n", 1000));
            assertThat(indexed.updateMany(filter, update).getModifiedCount())
                    .as("seed %d: updateMany(%s)", seed, filter)
                    .isEqualTo(stock.updateMany(filter, update).getModifiedCount());
        }
        assertThat(indexed.find().into(new ArrayList<>()))
                .as("seed %d: every document after the updates", seed)
                .isEqualTo(stock.find().into(new ArrayList<>()));
    }

    @Test
    void aDueReadSortedByIdWithALimitExaminesOnlyWhatItReturns() {
        List<Document> entries = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            entries.add(new Document("_id", "%s:%015d:task-%d".formatted(KINDS.get(i % 3), 1_000_000L + i, i)));
        }
        indexed.insertMany(entries);
        long before = documentsExamined();

        // tasks-service's DueIndex.due: the entries of one kind due by now, oldest first, at most 500
        var due = indexed.find(
                        Filters.and(Filters.gte("_id", "DUE:"), Filters.lt("_id", "DUE:%015d;".formatted(1_009_000L))))
                .sort(Sorts.ascending("_id"))
                .limit(500)
                .into(new ArrayList<>());

        assertThat(due).hasSize(500);
        assertThat(due.getFirst().get("_id")).isEqualTo("DUE:000000001000000:task-0");
        assertThat(due.getLast().get("_id")).isEqualTo("DUE:000000001001497:task-1497");
        assertThat(documentsExamined() - before).isEqualTo(500);
    }

    @Test
    void aRangeWithoutALimitExaminesTheRangeAlone() {
        List<Document> entries = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            entries.add(new Document("_id", i).append("open", i % 2 == 0));
        }
        indexed.insertMany(entries);
        long before = documentsExamined();

        var open = indexed.find(new Document("_id", new Document("$gt", 100).append("$lte", 120)).append("open", true))
                .into(new ArrayList<>());

        assertThat(open)
                .extracting(d -> d.get("_id"))
                .containsExactly(102, 104, 106, 108, 110, 112, 114, 116, 118, 120);
        assertThat(documentsExamined() - before).isEqualTo(20);
    }

    private List<Object> load(Random random, int count) {
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int kind = random.nextInt(10);
            if (!objectIdsAndDates() && (kind == 3 || kind == 4)) {
                kind = 5;
            }
            Object id = switch (kind) {
                case 0 -> random.nextInt(500) * (random.nextBoolean() ? 1 : -1);
                case 1 -> random.nextLong(10_000_000_000L);
                case 2 -> random.nextInt(1000) / 7.0;
                case 3 -> new ObjectId();
                case 4 -> new Date(1_700_000_000_000L + random.nextInt(1_000_000));
                default ->
                    "%s:%015d:task-%d".formatted(KINDS.get(random.nextInt(3)), random.nextLong(1_000_000_000L), i);
            };
            documents.add(
                    new Document("_id", id).append("n", random.nextInt(100)).append("i", i));
        }
        // drawn ids can repeat (two equal dates; numbers of different types such as 5 and 5.0): keep the first
        List<Document> unique = new ArrayList<>();
        var seen = new HashSet<Object>();
        for (Document d : documents) {
            Object id = d.get("_id");
            if (seen.add(id instanceof Number n ? (Object) n.doubleValue() : id)) {
                unique.add(d);
            }
        }
        indexed.insertMany(copies(unique));
        stock.insertMany(copies(unique));
        return new ArrayList<>(unique.stream().map(d -> d.get("_id")).toList());
    }

    private static List<Document> copies(List<Document> documents) {
        return documents.stream().map(d -> new Document(d)).toList();
    }

    private static List<Document> find(
            MongoCollection<Document> collection, Bson filter, Bson sort, int skip, int limit, boolean project) {
        FindIterable<Document> find = collection.find(filter).skip(skip).limit(limit);
        if (sort != null) {
            find = find.sort(sort);
        }
        if (project) {
            find = find.projection(new Document("n", 1));
        }
        return find.into(new ArrayList<>());
    }

    private static Bson randomSort(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> null;
            case 1, 2 -> Sorts.ascending("_id");
            case 3 -> Sorts.descending("_id");
            default -> Sorts.orderBy(Sorts.ascending("n"), Sorts.descending("_id"));
        };
    }

    /** A range on _id, sometimes with another condition, flat or inside $and, sometimes beside an $or. */
    private static Bson randomFilter(Random random, List<Object> ids) {
        Bson range = randomRange(random, ids);
        return switch (random.nextInt(5)) {
            case 0, 1 -> range;
            case 2 -> Filters.and(range, Filters.lt("n", random.nextInt(100)));
            case 3 -> {
                // {_id: {...}, n: {...}}: the flat shape of Spring Data's Criteria with a second field
                var flat = Document.parse(range.toBsonDocument().toJson());
                yield flat.containsKey("$and")
                        ? Filters.and(range, Filters.gte("n", 50))
                        : flat.append("n", new Document("$gte", 50));
            }
            default ->
                Filters.and(
                        range, Filters.or(Filters.lt("n", 10), Filters.eq("_id", ids.get(random.nextInt(ids.size())))));
        };
    }

    private static Bson randomRange(Random random, List<Object> ids) {
        Object a = bound(random, ids);
        Object b = random.nextInt(4) == 0 ? bound(random, ids) : near(random, a);
        Bson lower = random.nextBoolean() ? Filters.gte("_id", a) : Filters.gt("_id", a);
        Bson upper = random.nextBoolean() ? Filters.lte("_id", b) : Filters.lt("_id", b);
        return switch (random.nextInt(6)) {
            case 0 -> lower;
            case 1 -> upper;
            // one operator document {_id: {$gte: a, $lt: b}}, as Spring Data's Criteria renders it
            case 2, 3 -> new Document("_id", new Document(operator(lower), a).append(operator(upper), b));
            // the driver's Filters.and of two conditions on _id: {$and: [{_id: {$gte: a}}, {_id: {$lt: b}}]}
            default -> new Document("$and", List.of(lower, upper));
        };
    }

    private static String operator(Bson condition) {
        return condition.toBsonDocument().getDocument("_id").getFirstKey();
    }

    /** A bound: an existing _id, a kind's prefix or upper bound, or a number. */
    private static Object bound(Random random, List<Object> ids) {
        return switch (random.nextInt(5)) {
            case 0 -> KINDS.get(random.nextInt(3)) + ":";
            case 1 -> "%s:%015d;".formatted(KINDS.get(random.nextInt(3)), random.nextLong(1_000_000_000L));
            case 2 -> random.nextInt(1000) - 500;
            default -> ids.get(random.nextInt(ids.size()));
        };
    }

    /** A second bound of the same kind a little above the first (mostly), so ranges are narrow and non-empty. */
    private static Object near(Random random, Object a) {
        return switch (a) {
            case String s when s.length() > 4 && random.nextInt(4) > 0 -> s.substring(0, 4) + "~";
            case String s -> s + (random.nextBoolean() ? "~" : "");
            case Integer i -> i + random.nextInt(200) - 20;
            case Long l -> l + random.nextLong(1_000_000_000L);
            case Double d -> d + random.nextInt(50);
            case Date d -> new Date(d.getTime() + random.nextInt(500_000));
            default -> a;
        };
    }
}
