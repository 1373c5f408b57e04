package org.opencrm.testkit.mongo;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * The value type of {@link IdIndexedH2Backend}'s document maps: each document stored as BSON, with the server's own
 * wire encoder and decoder, as MongoDB stores it.
 *
 * <p>The stock backend's maps store a document by Java serialization, one object stream per document. In bench B3's
 * ingestion into the disk database, serializing the pages MVStore writes and deserializing the ones it reads was
 * ~46% of the database's CPU (JFR, docs/analytics.md). Every value a document can hold arrived as BSON or is sent
 * back as BSON, so the encoding loses nothing a client could see.
 *
 * <p>The memory a document takes in MVStore's page cache is estimated as the stock type estimates it: twice the
 * running average of the encoded sizes in this map, not walked per document.
 */
final class BsonDocumentType extends BasicDataType<Document> {

    /** The stock type's first estimate, before any document of the map was written or read. */
    private volatile int averageMemory = 10_000;

    /** One per map: the size estimate is the map's own. */
    BsonDocumentType() {}

    @Override
    public int getMemory(Document document) {
        return averageMemory;
    }

    @Override
    public void write(WriteBuffer buffer, Document document) {
        ByteBuf bson = Unpooled.buffer();
        try {
            BsonEncoder.encodeDocument(document, bson);
            int size = bson.readableBytes();
            buffer.put(bson.array(), bson.arrayOffset() + bson.readerIndex(), size);
            remember(size);
        } finally {
            bson.release();
        }
    }

    /** The size of the document's BSON, in bytes. */
    static int encodedSize(Document document) {
        ByteBuf bson = Unpooled.buffer();
        try {
            BsonEncoder.encodeDocument(document, bson);
            return bson.readableBytes();
        } finally {
            bson.release();
        }
    }

    @Override
    public Document read(ByteBuffer buffer) {
        int start = buffer.position();
        // BSON's leading int32 is the document's whole size, little-endian; MVStore's buffer is big-endian
        int size = Integer.reverseBytes(buffer.getInt(start));
        Document document = BsonDecoder.decodeBson(Unpooled.wrappedBuffer(buffer.slice(start, size)));
        buffer.position(start + size);
        remember(size);
        return document;
    }

    @Override
    public Document[] createStorage(int size) {
        return new Document[size];
    }

    private void remember(int size) {
        // a benign race, as in the stock type: an estimate, not a sum
        averageMemory = (int) ((size * 2L + 15L * averageMemory) / 16);
    }
}
