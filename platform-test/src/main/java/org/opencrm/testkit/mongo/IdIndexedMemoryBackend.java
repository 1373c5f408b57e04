package org.opencrm.testkit.mongo;

import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * mongo-java-server's memory backend, answering every filter that pins {@code _id} from the {@code _id} index.
 *
 * <p>The library uses an index only when the filter's fields are exactly the index's fields. Every optimistic
 * locking save filters {@code {_id, version}} (Spring Data renders it flat; the driver's {@code Filters.and} as
 * {@code $and}), so on the stock backend each aggregate save scanned its whole
 * collection (a deal stage change took 268 ms at 200,000 deals; bench B8). Real MongoDB answers such a filter
 * from the {@code _id} index and then checks the other fields on the one document found; so does this backend,
 * so tests, the benchmarks and the embedded servers behave as the production database does. The answer is the
 * same either way: the candidates still go through the full filter.
 */
public final class IdIndexedMemoryBackend extends MemoryBackend {

    private static final String ID = "_id";
    private static final String AND = "$and";

    private final LongAdder documentsExamined = new LongAdder();

    @Override
    public MemoryDatabase openOrCreateDatabase(String databaseName) {
        return new IdIndexedDatabase(databaseName, getCursorRegistry(), documentsExamined);
    }

    /** Documents compared against a filter since start (the figure MongoDB's explain calls docsExamined). */
    public long documentsExamined() {
        return documentsExamined.sum();
    }

    private static final class IdIndexedDatabase extends MemoryDatabase {

        private final LongAdder documentsExamined;

        IdIndexedDatabase(String name, CursorRegistry cursorRegistry, LongAdder documentsExamined) {
            super(name, cursorRegistry);
            this.documentsExamined = documentsExamined;
        }

        @Override
        protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
            // called from MemoryDatabase's constructor too, before this class's fields are set: the collection
            // reads the counter through the database when it counts
            return new IdIndexedCollection(this, collectionName, options, cursorRegistry);
        }
    }

    private static final class IdIndexedCollection extends MemoryCollection {

        private final IdIndexedDatabase database;

        IdIndexedCollection(
                IdIndexedDatabase database, String name, CollectionOptions options, CursorRegistry cursorRegistry) {
            super(database, name, options, cursorRegistry);
            this.database = database;
        }

        @Override
        protected QueryResult queryDocuments(
                Document query, Document orderBy, int numberToSkip, int limit, int batchSize, Document fieldSelector) {
            Object id = idCondition(query);
            if (id != null && query.size() + (query.containsKey(AND) ? 1 : 0) > 1) {
                var byId = new Document(ID, id);
                for (Index<Integer> index : getIndexes()) {
                    if (index.canHandle(byId)) {
                        return matchDocuments(
                                query,
                                index.getPositions(byId),
                                orderBy,
                                numberToSkip,
                                limit,
                                batchSize,
                                fieldSelector);
                    }
                }
            }
            return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }

        /** The {@code _id} condition of {@code {_id: c, ...}} or {@code {$and: [{_id: c}, ...]}}, else null. */
        private static Object idCondition(Document query) {
            if (query.containsKey(ID)) {
                return query.get(ID);
            }
            if (query.size() == 1 && query.get(AND) instanceof List<?> terms) {
                for (Object term : terms) {
                    if (term instanceof Document d && d.size() == 1 && d.containsKey(ID)) {
                        return d.get(ID);
                    }
                }
            }
            return null;
        }

        @Override
        protected boolean documentMatchesQuery(Document document, Document query) {
            database.documentsExamined.increment();
            return super.documentMatchesQuery(document, query);
        }
    }
}
