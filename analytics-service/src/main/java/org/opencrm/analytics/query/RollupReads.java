package org.opencrm.analytics.query;

import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoCollection;
import org.bson.Document;
import org.opencrm.analytics.projection.DealRollups;

/**
 * Reads of rollup documents a few at a time, so that a report's memory does not grow with the documents it reads.
 *
 * <p>The driver decodes a whole reply batch before the report sees its first document, and a batch is up to 16 MiB
 * by default. A rollup document's entries take 6-8 times their BSON size as Java objects, so at 1,000,000 deals
 * (rollup documents of up to ~1 MB) one default batch held more than the service's 256 MB heap can give two
 * reports at once: bench B3 ran analytics-service out of heap with the activity and funnel reports, and the
 * service stopped answering. {@value #DOCUMENTS_PER_BATCH} documents per batch keep a report to a few MB of BSON
 * in memory; the extra round trips cost about a millisecond each.
 */
final class RollupReads {

    static final int DOCUMENTS_PER_BATCH = 4;

    private RollupReads() {}

    /** The entries of the rollup documents {@code filter} selects, fetched {@value #DOCUMENTS_PER_BATCH} at a time. */
    static FindIterable<Document> entries(MongoCollection<Document> rollups, Document filter) {
        return rollups.find(filter)
                .projection(new Document(DealRollups.ENTRIES, 1))
                .batchSize(DOCUMENTS_PER_BATCH);
    }
}
