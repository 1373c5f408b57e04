package org.opencrm.analytics.query;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoIterable;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.opencrm.analytics.projection.DealRollups;

/**
 * Reads of rollup documents a few at a time and undecoded, so that a report's memory and time do not grow with
 * what decoding the documents would take.
 *
 * <p>The driver decodes a whole reply batch before the report sees its first document, and a batch is up to 16 MiB
 * by default. Decoded into {@code org.bson.Document}s, a rollup document's entries took 6-8 times their BSON size,
 * so at 1,000,000 deals (rollup documents of up to ~1 MB) one default batch held more than the service's heap could
 * give two reports at once: bench B3 ran analytics-service out of heap with the activity and funnel reports, and the
 * service stopped answering. The documents now arrive as their bytes ({@link RollupDocument}), and {@value
 * #DOCUMENTS_PER_BATCH} documents per batch keep a report to a few MB of them; the extra round trips cost about a
 * millisecond each.
 */
final class RollupReads {

    static final int DOCUMENTS_PER_BATCH = 4;

    /** A batch size that leaves the batches to the driver (up to 16 MiB each): for documents known to be small. */
    static final int DRIVER_BATCHES = 0;

    private RollupReads() {}

    /** The entries of the rollup documents {@code filter} selects, fetched {@value #DOCUMENTS_PER_BATCH} at a time. */
    static MongoIterable<RollupDocument> entries(MongoCollection<Document> rollups, Document filter) {
        return entries(rollups, filter, DOCUMENTS_PER_BATCH);
    }

    /** The entries of the rollup documents {@code filter} selects, {@code perBatch} documents per reply batch. */
    static MongoIterable<RollupDocument> entries(MongoCollection<Document> rollups, Document filter, int perBatch) {
        return rollups.withDocumentClass(RawBsonDocument.class)
                .find(filter)
                .projection(new Document(DealRollups.ENTRIES, 1))
                .batchSize(perBatch)
                .map(RollupDocument::new);
    }

    /**
     * Parts of the {@link DealRollups#HISTOGRAMS} maps of the documents with these ids: the entries named by {@code
     * keys} there, whatever else the documents hold.
     */
    static MongoIterable<RollupDocument> histograms(
            MongoCollection<Document> rollups, java.util.Collection<String> ids, java.util.Collection<String> keys) {
        Document projection = new Document();
        keys.forEach(key -> projection.append(DealRollups.HISTOGRAMS + "." + key, 1));
        return rollups.withDocumentClass(RawBsonDocument.class)
                .find(new Document("_id", new Document("$in", new java.util.ArrayList<>(ids))))
                .projection(projection)
                .batchSize(DOCUMENTS_PER_BATCH)
                .map(RollupDocument::new);
    }
}
