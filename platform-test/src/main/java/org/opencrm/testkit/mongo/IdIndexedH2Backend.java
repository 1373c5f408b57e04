package org.opencrm.testkit.mongo;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.QueryParameters;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * mongo-java-server's H2 (MVStore) backend on a file, answering every filter that pins {@code _id} from the
 * {@code _id} index as {@link IdIndexedMemoryBackend} does ({@link IdPins}).
 *
 * <p>For data that does not fit a heap: the memory backend keeps every document as Java objects (about 3 KB
 * each), so a million records with their read models need more memory than a 24 GB machine has; the MVStore
 * keeps its pages on disk and a bounded cache in memory. Writes are several times slower than in memory.
 *
 * <p>A range of string {@code _id}s ({@link IdRange}: the due index, the analytics rollups' month and day ids) is
 * read from the collection's map, which MVStore keeps sorted by {@code _id}, instead of by a scan of the whole
 * collection; every document found still goes through the whole filter. Ranges of other kinds scan, as the stock
 * backend does.
 *
 * <p>Unique indexes (the {@code _id} index among them) order their keys by value ({@link IndexKeyOrder}), not by
 * their Java serialization as the stock backend's do. A file's index maps written in the stock order are emptied
 * when the file is opened here and rebuilt from the documents, once.
 *
 * <p>Documents are stored as BSON ({@link BsonDocumentType}), not by Java serialization as the stock backend stores
 * them; a file's document maps in the stock encoding are converted when the file is opened here, once. The stock
 * backend cannot open a file written here.
 */
public final class IdIndexedH2Backend extends H2Backend {

    /** The library's own map names, so a file written by the stock backend opens here. */
    private static final String DATA_MAP_PREFIX = "databases.";

    private static final String META_MAP_PREFIX = "meta.";

    /** The document maps whose values are BSON (map name -> true); ':' is in no database's name. */
    private static final String BSON_DOCUMENT_MAPS = "testkit:bson-document-maps";

    /** A stock-encoded document map's BSON copy, before it takes the map's name. */
    private static final String BSON_COPY_PREFIX = "testkit:bson-copy:";

    private static final int SCAN_RETENTION_MILLIS = 10 * 60 * 1000;

    /**
     * The index maps built completely in value order (map name -> true). ':' is in no database's name, so dropping
     * a database never removes this map.
     */
    private static final String VALUE_ORDERED_INDEXES = "testkit:value-ordered-indexes";

    // no initializer: the super constructor already queries while it opens the databases a file holds, and an
    // initializer would run after it and drop what was counted
    private volatile LongAdder examined;

    /** A backend on the MVStore file {@code fileName} (created if missing). */
    public IdIndexedH2Backend(String fileName) {
        super(conversionsFinished(MVStore.open(fileName)));
        // A query without an _id pin walks a snapshot of its collection; MVStore frees a chunk no newer version
        // uses after the retention time (45 s by default), so a full scan of a million documents under heavy
        // writes read a freed page ("Chunk ... not found", seen in B4 at 1,000,000 rows). Dead chunks are kept
        // longer instead: the file grows by what is written in that time.
        getMvStore().setRetentionTime(SCAN_RETENTION_MILLIS);
        // MVStore.setCacheSize takes kilobytes (the builder's cacheSize, megabytes); getCacheSize answers megabytes
        getMvStore().setCacheSize(cacheMegabytes(Runtime.getRuntime().maxMemory()) * 1024);
    }

    /**
     * The MVStore's page cache for a heap of {@code maxHeapBytes}: a sixteenth of it, and never less than MVStore's
     * own 16 MB. A page read from the file is a Java deserialization of its documents: with the default 16 MB
     * cache, bench B3's reports at 1,000,000 deals (rollup documents of up to ~1 MB) deserialized the same pages on
     * every call, 71-84% of the database's time in the sources, activity and pipeline-as-of reports (JFR,
     * docs/analytics.md). MVStore sizes its cache by its own estimate of a page, several times below what the
     * deserialized documents take: a quarter of the bench's 8 GB heap filled it and the harness spent its time in
     * full collections. (MongoDB keeps about half the machine's memory for its cache, WiredTiger's default.)
     */
    static int cacheMegabytes(long maxHeapBytes) {
        return (int) Math.max(16, Math.min(Integer.MAX_VALUE / 1024, maxHeapBytes / 16 / (1024 * 1024)));
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new IdIndexedDatabase(databaseName, getMvStore(), getCursorRegistry());
    }

    /** Documents compared against a filter since start (the figure MongoDB's explain calls docsExamined). */
    public long documentsExamined() {
        return examined().sum();
    }

    private LongAdder examined() {
        var counter = examined;
        if (counter == null) {
            synchronized (this) {
                if (examined == null) {
                    examined = new LongAdder();
                }
                counter = examined;
            }
        }
        return counter;
    }

    // an inner class: H2Database's constructor opens collections before a subclass's own fields are set, and the
    // outer instance (with the store) is there before any constructor runs
    private final class IdIndexedDatabase extends H2Database {

        IdIndexedDatabase(String name, MVStore store, CursorRegistry cursorRegistry) {
            super(name, store, cursorRegistry);
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            String fullName = getDatabaseName() + "." + collectionName;
            MVMap<Object, Document> data = openDocuments(DATA_MAP_PREFIX + fullName);
            MVMap<String, Object> meta = getMvStore().openMap(META_MAP_PREFIX + fullName);
            return new IdIndexedCollection(this, collectionName, options, data, meta, cursorRegistry);
        }

        @Override
        protected Index<Object> openOrCreateUniqueIndex(
                String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
            // the stock backend's map name, so dropping the index or the database removes this map
            String mapName = getFullCollectionNamespace(collectionName) + "._index_" + indexName;
            MVMap<KeyValue, Object> positions =
                    getMvStore().openMap(mapName, new MVMap.Builder<KeyValue, Object>().keyType(new IndexKeyOrder()));
            if (!((Object) positions.getKeyType() instanceof IndexKeyOrder)) {
                throw new IllegalStateException(mapName + " was opened before in the stock order");
            }
            if (!positions.isEmpty() && !valueOrderedIndexes().containsKey(mapName)) {
                // written in the stock order, or its rebuild did not finish: its lookups would miss, so the
                // collection indexes its documents again (an empty index is filled when added to its collection)
                positions.clear();
            }
            return new ValueOrderedUniqueIndex(positions, mapName, indexName, keys, sparse);
        }
    }

    /**
     * The document map {@code name}, its values stored as BSON ({@link BsonDocumentType}). A map this file holds in
     * the stock encoding (Java serialization: written by the stock backend or by an earlier test kit) is copied into
     * a BSON map once, under another name that no database lists, which then takes its name. The old map is removed
     * only once the copy is complete: whatever a process dying meanwhile leaves (MVStore also commits in the
     * background), {@link #conversionsFinished} sorts it out on the next open.
     */
    private MVMap<Object, Document> openDocuments(String name) {
        MVStore store = getMvStore();
        MVMap<String, Boolean> encoded = store.openMap(BSON_DOCUMENT_MAPS);
        if (!store.hasMap(name) || encoded.containsKey(name)) {
            MVMap<Object, Document> documents = store.openMap(name, bsonDocuments());
            // only a new map is recorded: an unchanged entry would still make the marker map a change to write
            encoded.putIfAbsent(name, Boolean.TRUE);
            return documents;
        }
        MVMap<Object, Document> serialized = store.openMap(name);
        MVMap<Object, Document> copy = store.openMap(BSON_COPY_PREFIX + name, bsonDocuments());
        for (Cursor<Object, Document> cursor = serialized.cursor(null); cursor.hasNext(); ) {
            Object id = cursor.next();
            copy.put(id, cursor.getValue());
        }
        store.removeMap(serialized);
        store.renameMap(copy, name);
        encoded.put(name, Boolean.TRUE);
        store.commit();
        return copy;
    }

    /**
     * The store with the conversions to BSON a process left unfinished sorted out, before the databases are opened: a
     * copy whose old map is gone is complete and takes the old map's name (else its collection would look empty); a
     * copy beside its old map may not be, and is dropped (the collection's open copies again).
     */
    static MVStore conversionsFinished(MVStore store) {
        for (String name : List.copyOf(store.getMapNames())) {
            if (!name.startsWith(BSON_COPY_PREFIX)) {
                continue;
            }
            String original = name.substring(BSON_COPY_PREFIX.length());
            if (store.hasMap(original)) {
                store.removeMap(name);
            } else {
                store.renameMap(store.openMap(name, bsonDocuments()), original);
                store.<String, Boolean>openMap(BSON_DOCUMENT_MAPS).put(original, Boolean.TRUE);
            }
        }
        store.commit();
        return store;
    }

    private static MVMap.Builder<Object, Document> bsonDocuments() {
        return new MVMap.Builder<Object, Document>().valueType(new BsonDocumentType());
    }

    private MVMap<String, Boolean> valueOrderedIndexes() {
        return getMvStore().openMap(VALUE_ORDERED_INDEXES);
    }

    private final class IdIndexedCollection extends H2Collection {

        /** The stored documents by {@code _id}, sorted by it (the library's own map; its field is private). */
        private final MVMap<Object, Document> data;

        IdIndexedCollection(
                MongoDatabase database,
                String name,
                CollectionOptions options,
                MVMap<Object, Document> data,
                MVMap<String, Object> meta,
                CursorRegistry cursorRegistry) {
            super(database, name, options, data, meta, cursorRegistry);
            this.data = data;
        }

        @Override
        protected QueryResult queryDocuments(
                Document query, Document orderBy, int numberToSkip, int limit, int batchSize, Document fieldSelector) {
            var range = IdRange.of(query);
            if (range != null && range.ofStrings() && data != null && !IdRange.isNatural(orderBy)) {
                int order = IdRange.idOrder(orderBy);
                // in _id order, the order the stock backend walks the map in: without a sort the answer is its own
                return matchDocumentsFromStream(
                        inRange(range, order < 0),
                        query,
                        order == 0 ? orderBy : null,
                        numberToSkip,
                        limit,
                        batchSize,
                        fieldSelector);
            }
            Iterable<Object> byId = IdPins.candidates(query, getIndexes());
            if (byId != null) {
                return matchDocuments(query, byId, orderBy, numberToSkip, limit, batchSize, fieldSelector);
            }
            return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }

        /**
         * The documents whose {@code _id} lies in the range. The map's cursor includes both bounds, so a bound the
         * filter excludes is skipped here, as MongoDB's index bounds would not reach it; a missing bound reads from
         * the map's start or to its end, where keys of other kinds sort, which the filter then refuses.
         */
        private Stream<Document> inRange(IdRange range, boolean descending) {
            Object first = descending ? range.upper() : range.lower();
            Object last = descending ? range.lower() : range.upper();
            boolean skipFirst = first != null && !(descending ? range.upperInclusive() : range.lowerInclusive());
            boolean skipLast = last != null && !(descending ? range.lowerInclusive() : range.upperInclusive());
            Cursor<Object, Document> cursor = data.cursor(first, last, descending);
            Iterator<Document> documents = new Iterator<>() {
                private Document next;

                @Override
                public boolean hasNext() {
                    while (next == null && cursor.hasNext()) {
                        Object key = cursor.next();
                        if (skipLast && key.equals(last)) {
                            return false;
                        }
                        if (!(skipFirst && key.equals(first))) {
                            next = cursor.getValue();
                        }
                    }
                    return next != null;
                }

                @Override
                public Document next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    Document document = next;
                    next = null;
                    return document;
                }
            };
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(documents, Spliterator.ORDERED), false);
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

        /**
         * A client's answer is sent in batches MongoDB would send ({@link ReplyBatches}). The collection's own read
         * before an update or delete gets copies of the stored documents' top level: the library's update changes
         * the document it is given in place (fields removed and put; their values are its own deep copies) and then
         * stores that instance, while MVStore's background thread may still be writing the page version that holds
         * it. The stock backend's Java serialization then wrote a document half-updated into that version; the BSON
         * encoder met its fields changing and the store closed (ConcurrentModificationException, bench B3).
         */
        @Override
        protected QueryResult createQueryResult(List<Document> matched, int batchSize) {
            if (!copyResults) {
                return super.createQueryResult(
                        matched.stream().map(Document::new).toList(), batchSize);
            }
            return ReplyBatches.firstBatch(ClientReplies.copies(matched), batchSize, cursorRegistry);
        }

        /** Marks a value-ordered index complete once the collection has indexed its documents into it. */
        @Override
        public void addIndex(Index<Object> index) {
            super.addIndex(index);
            if (index instanceof ValueOrderedUniqueIndex ordered) {
                valueOrderedIndexes().put(ordered.mapName(), Boolean.TRUE);
            }
        }

        /**
         * An update of {@code $set} and {@code $unset} on plain paths of documents found by {@code _id} (every write
         * of the analytics projection and most others) applied without copying the whole document ({@link
         * PathUpdate}); anything else as the library applies it.
         */
        @Override
        public synchronized Document updateDocuments(
                Document selector,
                Document updateQuery,
                ArrayFilters arrayFilters,
                boolean isMulti,
                boolean isUpsert,
                Oplog oplog) {
            PathUpdate update = isUpsert || !arrayFilters.isEmpty() ? null : PathUpdate.of(updateQuery);
            Iterable<Object> positions = update == null ? null : IdPins.pinned(selector, getIndexes());
            if (positions == null) {
                return super.updateDocuments(selector, updateQuery, arrayFilters, isMulti, isUpsert, oplog);
            }
            // every match worked out before anything is stored: one the library must apply sends all to it
            record Match(Object position, Document stored, PathUpdate.Result updated) {}
            List<Match> matches = new ArrayList<>();
            for (Object position : positions) {
                Document stored = getDocument(position);
                if (stored == null || !documentMatchesQuery(stored, selector)) {
                    continue;
                }
                PathUpdate.Result result = update.applyTo(stored);
                if (result == null) {
                    return super.updateDocuments(selector, updateQuery, arrayFilters, isMulti, isUpsert, oplog);
                }
                matches.add(new Match(position, stored, result));
                if (!isMulti) {
                    break;
                }
            }
            List<Object> updatedIds = new ArrayList<>();
            for (Match match : matches) {
                if (!match.updated().changed()) {
                    continue;
                }
                Document updated = match.updated().document();
                for (Index<Object> index : getIndexes()) {
                    index.checkUpdate(match.stored(), updated, this);
                }
                for (Index<Object> index : getIndexes()) {
                    index.updateInPlace(match.stored(), updated, match.position(), this);
                }
                handleUpdate(match.position(), match.stored(), updated);
                updatedIds.add(updated.get(getIdField()));
            }
            oplog.handleUpdate(getFullName(), selector, updateQuery, updatedIds);
            Document result = new Document();
            result.put("n", matches.size());
            result.put("nModified", updatedIds.size());
            return result;
        }

        /**
         * The collection's size is summed when asked ({@code collStats}, {@code validate}; nothing in the platform
         * asks), not kept: keeping it encoded the whole document twice per update to learn its size before and
         * after, and wrote the sum to the collection's meta map (~5% of the database's CPU in bench B3's ingestion).
         */
        @Override
        protected boolean tracksDataSize() {
            return false;
        }

        @Override
        protected int getDataSize() {
            if (data == null) {
                // the super constructor logs the size while this one has not yet run: the figure stored before
                return super.getDataSize();
            }
            long size = 0;
            for (Document document : data.values()) {
                size += BsonDocumentType.encodedSize(document);
            }
            return (int) Math.min(Integer.MAX_VALUE, size);
        }

        @Override
        protected boolean documentMatchesQuery(Document document, Document query) {
            examined().increment();
            return super.documentMatchesQuery(document, query);
        }
    }
}
