package org.opencrm.analytics.query;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.bson.RawBsonDocument;
import org.opencrm.analytics.projection.DealRollups;

/**
 * A rollup document as the database sent it: its bytes, walked in place ({@link RollupBson}) each time its
 * entries are read. The driver only copies the bytes out of the reply ({@link org.bson.codecs.RawBsonDocumentCodec}).
 */
final class RollupDocument {

    private final RawBsonDocument raw;
    private final byte[] bytes;
    private final int start;

    RollupDocument(RawBsonDocument raw) {
        this.raw = raw;
        var buffer = raw.getByteBuffer();
        // a raw document wraps its array from an offset (ByteBuffer.wrap): absolute indexes are the array's
        this.bytes = buffer.array();
        this.start = buffer.arrayOffset() + buffer.position();
    }

    /** The document's {@code _id}: rollup ids are strings. */
    String id() {
        return raw.getString("_id").getValue();
    }

    /**
     * The document's entries ({@link DealRollups#ENTRIES}), none when it has none. The iterator gives one {@link
     * RollupEntry} refilled for each entry: keep its values, not the entry.
     */
    Iterable<RollupEntry> entries() {
        return entries(DealRollups.ENTRIES);
    }

    /** The entries of the document's map named {@code map} ({@link DealRollups#HISTOGRAMS}), as {@link #entries()}. */
    Iterable<RollupEntry> entries(String map) {
        return () -> new Entries(map);
    }

    private final class Entries implements Iterator<RollupEntry> {

        private final RollupEntry entry = new RollupEntry();
        private int next = -1;
        private int end;

        Entries(String map) {
            int documentEnd = start + RollupBson.int32(bytes, start) - 1;
            for (int element = start + 4; element < documentEnd; ) {
                byte type = bytes[element];
                int nameEnd = RollupBson.nameEnd(bytes, element + 1);
                if (type == RollupBson.DOCUMENT && RollupBson.nameEquals(bytes, element + 1, nameEnd, map)) {
                    next = nameEnd + 1 + 4;
                    end = nameEnd + RollupBson.int32(bytes, nameEnd + 1);
                    return;
                }
                int length = RollupBson.valueLength(type, bytes, nameEnd + 1);
                if (length < 0) {
                    throw new IllegalStateException("rollup document " + id() + " holds BSON type "
                            + RollupBson.typeName(type) + " before its " + map);
                }
                element = nameEnd + 1 + length;
            }
        }

        @Override
        public boolean hasNext() {
            return next >= 0 && next < end;
        }

        @Override
        public RollupEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            next = entry.read(bytes, next);
            return entry;
        }
    }
}
