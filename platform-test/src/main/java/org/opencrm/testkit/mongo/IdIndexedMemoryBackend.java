package org.opencrm.testkit.mongo;

import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryParameters;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * mongo-java-server's memory backend, answering every filter that pins {@code _id} from the {@code _id} index.
 *
 * <p>The library uses an index only when the filter's fields are exactly the index's fields ({@link IdPins}), so on
 * the stock backend each aggregate save scanned its whole collection (a deal stage change took 268 ms at 200,000 deals; bench B8). Real MongoDB answers such a filter
 * from the {@code _id} index and then checks the other fields on the one document found; so does this backend,
 * so tests, the benchmarks and the embedded servers behave as the production database does. The answer is the
 * same either way: the candidates still go through the full filter.
 *
 * <p>It also answers {@code _id} ranges ({@code $gt/$gte/$lt/$lte} on {@code _id}, alone, beside other fields or
 * in a top-level {@code $and}) from a sorted view of the {@code _id}s, as MongoDB's {@code _id} index does: a
 * time-keyed index read as {@code {_id: {$gte: 'KIND:', $lt: 'KIND:<now>;'}}} sorted by {@code _id} with a limit
 * (tasks-service's due index, bench B7) looks at the entries in the range, up to the limit, instead of every
 * document. Sorted by {@code _id} (either way) it stops at the limit; in natural order or sorted by another field
 * it takes the range's documents in the order the stock backend would have met them, so the answers are the
 * stock backend's, document for document.
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

        /** (_id, position) of every document, in MongoDB's order of values; positions break ties. */
        private final NavigableSet<Entry> byId = new ConcurrentSkipListSet<>(Entry.ORDER);

        IdIndexedCollection(
                IdIndexedDatabase database, String name, CollectionOptions options, CursorRegistry cursorRegistry) {
            super(database, name, options, cursorRegistry);
            this.database = database;
        }

        @Override
        protected Integer addDocumentInternal(Document document) {
            Integer position = super.addDocumentInternal(document);
            Object id = document.get(ID);
            if (id != null) {
                byId.add(new Entry(id, position));
            }
            return position;
        }

        @Override
        protected void removeDocument(Integer position) {
            Object id = getDocument(position).get(ID);
            super.removeDocument(position);
            if (id != null) {
                byId.remove(new Entry(id, position));
            }
        }

        /**
         * The documents whose {@code _id} lies in the range: in {@code _id} order when sorted by {@code _id} (the
         * caller then needs no sort and its limit ends the walk), else in position order, which is the order the
         * stock backend scans in.
         */
        private Stream<Document> inRange(IdRange range, Document orderBy) {
            var from = range.lower() == null
                    ? null
                    : new Entry(range.lower(), range.lowerInclusive() ? Integer.MIN_VALUE : Integer.MAX_VALUE);
            var to = range.upper() == null
                    ? null
                    : new Entry(range.upper(), range.upperInclusive() ? Integer.MAX_VALUE : Integer.MIN_VALUE);
            NavigableSet<Entry> entries;
            if (from != null && to != null) {
                // {$gt: x, $lt: x} and crossed bounds hold nothing
                entries = Entry.ORDER.compare(from, to) > 0
                        ? new TreeSet<>(Entry.ORDER)
                        : byId.subSet(from, true, to, true);
            } else if (from != null) {
                entries = byId.tailSet(from, true);
            } else {
                entries = byId.headSet(to, true);
            }
            int order = IdRange.idOrder(orderBy);
            if (order == 0) {
                List<Integer> positions = new ArrayList<>(entries.size());
                entries.forEach(e -> positions.add(e.position));
                positions.sort(null);
                return positions.stream().map(this::getDocument);
            }
            return (order > 0 ? entries : entries.descendingSet()).stream().map(e -> getDocument(e.position));
        }

        @Override
        protected QueryResult queryDocuments(
                Document query, Document orderBy, int numberToSkip, int limit, int batchSize, Document fieldSelector) {
            var range = IdRange.of(query);
            if (range != null && !IdRange.isNatural(orderBy)) {
                return matchDocumentsFromStream(
                        inRange(range, orderBy),
                        query,
                        IdRange.idOrder(orderBy) == 0 ? orderBy : null,
                        numberToSkip,
                        limit,
                        batchSize,
                        fieldSelector);
            }
            Iterable<Integer> byId = IdPins.candidates(query, getIndexes());
            if (byId != null) {
                return matchDocuments(query, byId, orderBy, numberToSkip, limit, batchSize, fieldSelector);
            }
            return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }

        /** Set while a client's find or aggregate runs, under the collection's lock: its results are copied. */
        private boolean copyResults;

        /** A client's query: its results are copies ({@link ClientReplies}). */
        @Override
        public synchronized QueryResult handleQuery(QueryParameters parameters) {
            copyResults = true;
            try {
                return super.handleQuery(parameters);
            } finally {
                copyResults = false;
            }
        }

        /** The collection's own read before it deletes or changes what it found: the stored documents themselves. */
        @Override
        public QueryResult handleQuery(Document query, int numberToSkip, int limit) {
            return super.handleQuery(new QueryParameters(query, numberToSkip, limit));
        }

        /** A client's answer is sent in batches MongoDB would send ({@link ReplyBatches}). */
        @Override
        protected QueryResult createQueryResult(List<Document> matched, int batchSize) {
            if (!copyResults) {
                return super.createQueryResult(matched, batchSize);
            }
            return ReplyBatches.firstBatch(ClientReplies.copies(matched), batchSize, cursorRegistry);
        }

        @Override
        protected boolean documentMatchesQuery(Document document, Document query) {
            database.documentsExamined.increment();
            return super.documentMatchesQuery(document, query);
        }
    }

    /** An {@code _id} value with the position of its document. */
    private record Entry(Object id, int position) {

        static final Comparator<Object> VALUES = ValueComparator.asc();

        static final Comparator<Entry> ORDER =
                Comparator.<Entry, Object>comparing(Entry::id, VALUES).thenComparingInt(Entry::position);
    }
}
