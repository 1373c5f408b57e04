package org.opencrm.testkit.mongo;

import de.bwaldvogel.mongo.backend.AbstractCursor;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Decimal128;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A client's find answered in batches of at most 16 MiB, as MongoDB answers it.
 *
 * <p>mongo-java-server sends a find that names no batch size in one reply, however large, and the driver refuses a
 * reply over 48 MB ({@code MongoInternalException: The reply message length ... is greater than the maximum message
 * length}). Every report or file read that grew past that failed on the embedded server and would have worked on
 * MongoDB (bench B4's import file, pipeline-as-of at 100,000 deals and the deals report at 1,000,000 in bench B3).
 * Here the first batch and each {@code getMore} stop at 16 MiB, the bound MongoDB uses, and at the batch size the
 * client asked for, if any; the rest waits in a cursor the driver drains with {@code getMore}. Unlike MongoDB, a
 * first batch is not also cut at 101 documents: the embedded server would only answer in more round trips.
 */
final class ReplyBatches {

    /** MongoDB's bound on one batch of a reply (its largest document is as large). */
    static final int MAX_BATCH_BYTES = 16 * 1024 * 1024;

    private ReplyBatches() {}

    /**
     * The first batch of {@code documents} and, if any are left, a cursor over the rest registered in
     * {@code cursors}; {@code batchSize} is the client's, 0 when it named none.
     */
    static QueryResult firstBatch(List<Document> documents, int batchSize, CursorRegistry cursors) {
        int count = batchLength(documents, batchSize);
        if (count == documents.size()) {
            return new QueryResult(documents);
        }
        var rest = new Remaining(cursors.generateCursorId(), documents.subList(count, documents.size()));
        cursors.add(rest);
        return new QueryResult(documents.subList(0, count), rest);
    }

    /** How many of the first documents fit one batch: at least one, at most {@code batchSize} if that is set. */
    static int batchLength(List<Document> documents, int batchSize) {
        int limit = batchSize > 0 ? Math.min(batchSize, documents.size()) : documents.size();
        // two documents of at most 16 MiB each always fit the driver's 48 MB; no need to measure them
        if (limit <= 2) {
            return limit;
        }
        // most batches are far below the bound: a bound taking 3 bytes per char (the most UTF-8 takes for one)
        // spares counting each string's UTF-8 bytes, which was a quarter of the embedded server's time in bench
        // B3's reports at 1,000,000 deals
        long bound = 0;
        for (int i = 0; i < limit && bound <= MAX_BATCH_BYTES; i++) {
            bound += bsonSizeBound(documents.get(i));
        }
        if (bound <= MAX_BATCH_BYTES) {
            return limit;
        }
        long bytes = 0;
        for (int i = 0; i < limit; i++) {
            bytes += bsonSize(documents.get(i));
            if (bytes > MAX_BATCH_BYTES && i > 0) {
                return i;
            }
        }
        return limit;
    }

    /**
     * A document's size in BSON, computed from its values rather than by encoding it: a few times faster than the
     * encoder (which the server runs again for the reply), so a bench's large answers are not slowed down much by
     * being measured. Values of the rarer types (binary, UUIDs, regular expressions) are encoded to measure them.
     */
    static long bsonSize(Map<String, ?> document) {
        return bsonSize(document, false);
    }

    /** At least {@link #bsonSize}: every char counted as 3 bytes, without looking at the chars. */
    static long bsonSizeBound(Map<String, ?> document) {
        return bsonSize(document, true);
    }

    private static long bsonSize(Map<String, ?> document, boolean bound) {
        long bytes = 5; // length and terminator
        for (var field : document.entrySet()) {
            // type, key, its terminator
            bytes += 2 + utf8Length(field.getKey(), bound) + valueSize(field.getValue(), bound);
        }
        return bytes;
    }

    private static long valueSize(Object value, boolean bound) {
        return switch (value) {
            case null -> 0;
            case String text -> 5 + utf8Length(text, bound);
            case Integer ignored -> 4;
            case Long ignored -> 8;
            case Double ignored -> 8;
            case Instant ignored -> 8;
            case BsonTimestamp ignored -> 8;
            case Boolean ignored -> 1;
            case ObjectId ignored -> 12;
            case Decimal128 ignored -> 16;
            case Map<?, ?> embedded -> bsonSize(fields(embedded), bound);
            case Collection<?> array -> {
                long bytes = 5;
                int index = 0;
                for (Object element : array) {
                    bytes += 2 + Integer.toString(index++).length() + valueSize(element, bound);
                }
                yield bytes;
            }
            default -> encodedSize(value);
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> fields(Map<?, ?> embedded) {
        return (Map<String, ?>) embedded;
    }

    private static long encodedSize(Object value) {
        ByteBuf buffer = Unpooled.buffer();
        try {
            BsonEncoder.encodeValue(BsonEncoder.determineType(value), value, buffer);
            return buffer.writerIndex();
        } finally {
            buffer.release();
        }
    }

    private static long utf8Length(String text, boolean bound) {
        if (bound) {
            return 3L * text.length();
        }
        long bytes = text.length();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                // two bytes below U+0800; three for the rest of the BMP; a surrogate pair's four, two per char
                bytes += c < 0x800 ? 1 : Character.isSurrogate(c) ? 1 : 2;
            }
        }
        return bytes;
    }

    /** The documents a batch left for {@code getMore}, handed out in batches of the same bound. */
    private static final class Remaining extends AbstractCursor {

        private final List<Document> documents;
        private int next;

        Remaining(long id, List<Document> documents) {
            super(id);
            this.documents = documents;
        }

        @Override
        public synchronized boolean isEmpty() {
            return next == documents.size();
        }

        @Override
        public synchronized List<Document> takeDocuments(int batchSize) {
            var left = documents.subList(next, documents.size());
            int count = batchLength(left, batchSize);
            next += count;
            return List.copyOf(left.subList(0, count));
        }
    }
}
