package org.opencrm.testkit.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Decimal128;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.Unpooled;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How {@link ReplyBatches} measures and cuts a reply, against the server's own encoder. */
class ReplyBatchesTest {

    @Test
    void aDocumentsMeasuredSizeIsTheSizeTheServerEncodesItTo() {
        var nested = new Document("o", "owner-7")
                .append("won", 1L)
                .append("amount", new Decimal128(new BigDecimal("12.50")));
        var document = new Document("_id", "t1|closed|2026-01-01")
                .append("ascii", "plain text")
                .append("cyrillic", "Иван Петров")
                .append("cjk", "東京都")
                .append("emoji", "deal \uD83D\uDE80 won")
                .append("int", 7)
                .append("long", 7L)
                .append("double", 0.5)
                .append("flag", true)
                .append("nothing", null)
                .append("at", Instant.parse("2026-01-01T10:00:00Z"))
                .append("ts", new BsonTimestamp(42L))
                .append("oid", new ObjectId())
                .append("uuid", UUID.randomUUID())
                .append("bytes", new BinData(new byte[255 * 1024]))
                .append("entries", new Document("3600|owner-7", nested).append("7200|owner-8", new Document(nested)))
                .append("list", Arrays.asList("a", 1, null, new Document("x", List.of(1L, 2L)), List.of()));

        assertThat(ReplyBatches.bsonSize(document)).isEqualTo(encoded(document));
        assertThat(ReplyBatches.bsonSizeBound(document)).isGreaterThanOrEqualTo(encoded(document));
    }

    @Test
    void documentsOverTheQuickBoundButUnder16MiBAreStillSentInOneBatch() {
        // 3 x 2.5 MiB of ASCII: 22.5 MiB by the bound of 3 bytes per char, 7.5 MiB encoded
        List<Document> ascii = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ascii.add(new Document("_id", i).append("filler", "x".repeat(5 * 512 * 1024)));
        }
        // 3 x 3 Mi CJK chars: 9 MiB each encoded, so the batch is cut after the first
        List<Document> cjk = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            cjk.add(new Document("_id", i).append("filler", "東".repeat(3 * 1024 * 1024)));
        }

        assertThat(ReplyBatches.batchLength(ascii, 0)).isEqualTo(3);
        assertThat(ReplyBatches.batchLength(cjk, 0)).isEqualTo(1);
    }

    @Test
    void aBatchStopsBefore16MiBUnlessItHoldsOneDocumentAndKeepsTheClientsBatchSize() {
        List<Document> fiveMiB = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            fiveMiB.add(new Document("_id", i).append("filler", "x".repeat(5 * 1024 * 1024)));
        }
        var oneHuge = List.of(
                new Document("_id", 1).append("filler", "x".repeat(17 * 1024 * 1024)),
                new Document("_id", 2),
                new Document("_id", 3));

        assertThat(ReplyBatches.batchLength(fiveMiB, 0)).isEqualTo(3);
        assertThat(ReplyBatches.batchLength(fiveMiB, 2)).isEqualTo(2);
        assertThat(ReplyBatches.batchLength(oneHuge, 0))
                .as("a document alone is always sent")
                .isEqualTo(1);
        assertThat(ReplyBatches.batchLength(List.of(new Document("_id", 1)), 0)).isEqualTo(1);
    }

    private static long encoded(Document document) {
        var buffer = Unpooled.buffer();
        try {
            BsonEncoder.encodeDocument(document, buffer);
            return buffer.writerIndex();
        } finally {
            buffer.release();
        }
    }
}
