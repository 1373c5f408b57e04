package org.opencrm.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.BsonBinaryReader;
import org.bson.BsonBinaryWriter;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.DocumentCodec;
import org.bson.codecs.EncoderContext;
import org.bson.codecs.RawBsonDocumentCodec;
import org.bson.io.BasicOutputBuffer;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;
import org.opencrm.analytics.projection.ActivityRollups;
import org.opencrm.analytics.projection.DealRollups;

/** Rollup entries read from a document's BSON give what the decoded {@link Document} gave the reports. */
class RollupDocumentTest {

    private static final Date HOUR = new Date(1_767_225_600_000L);

    @Test
    void everyTypeTheWritersStoreReadsAsTheDecodedDocumentHeldIt() {
        Document entry = new Document(DealRollups.OWNER, "rep-1")
                .append(DealRollups.DEPARTMENT, null)
                .append(DealRollups.HOUR, HOUR)
                .append(DealRollups.POSITION, 3)
                .append(DealRollups.DEALS, 7_000_000_000L)
                .append(DealRollups.WON, 2.0)
                .append(DealRollups.WON_AMOUNT, new Decimal128(new BigDecimal("1234.50")))
                .append("flag", true);
        RollupDocument rollup = raw(new Document("_id", "t|created|2026-01-01")
                .append(DealRollups.ENTRIES, new Document("rep-1|EUR", entry)));

        assertThat(rollup.id()).isEqualTo("t|created|2026-01-01");
        List<String> keys = new ArrayList<>();
        for (RollupEntry read : rollup.entries()) {
            keys.add(read.key());
            for (String name : entry.keySet()) {
                assertThat(read.get(name)).as(name).isEqualTo(entry.get(name));
            }
            assertThat(read.getString(DealRollups.OWNER)).isEqualTo("rep-1");
            assertThat(read.getString(DealRollups.DEPARTMENT)).isNull();
            assertThat(read.getString(DealRollups.PIPELINE)).isNull();
            assertThat(read.hour()).isEqualTo(HOUR.toInstant());
            assertThat(read.count(DealRollups.POSITION)).isEqualTo(3);
            assertThat(read.count(DealRollups.DEALS)).isEqualTo(7_000_000_000L);
            assertThat(read.count(DealRollups.WON)).isEqualTo(2);
            assertThat(read.count(DealRollups.DEPARTMENT)).isZero();
            assertThat(read.count(DealRollups.LOST)).isZero();
            assertThat(read.decimal(DealRollups.WON_AMOUNT)).isEqualByComparingTo("1234.50");
            assertThat(read.decimal(DealRollups.LOST_AMOUNT)).isEqualByComparingTo("0");
            assertThat(read.size()).isEqualTo(entry.size());
            assertThat(read.name(4)).isEqualTo(DealRollups.DEALS);
        }
        assertThat(keys).containsExactly("rep-1|EUR");
    }

    @Test
    void entriesOfEveryLengthFollowEachOtherAndTheFieldsAfterThemAreSkipped() {
        Document entries = new Document();
        for (int i = 0; i < 40; i++) {
            Document figures = new Document(DealRollups.HOUR, HOUR);
            for (int bucket = 0; bucket < i; bucket++) {
                figures.append("b" + bucket, bucket);
            }
            entries.append("k" + i, figures);
        }
        RollupDocument rollup = raw(new Document("_id", "id")
                .append("version", 2)
                .append(DealRollups.ENTRIES, entries)
                .append("marks", List.of("a", "b")));

        int read = 0;
        for (RollupEntry entry : rollup.entries()) {
            assertThat(entry.key()).isEqualTo("k" + read);
            assertThat(entry.size()).isEqualTo(read + 1);
            for (int bucket = 0; bucket < read; bucket++) {
                assertThat(entry.count("b" + bucket)).isEqualTo(bucket);
            }
            read++;
        }
        assertThat(read).isEqualTo(40);
        // iterable again: each read walks the bytes from the start
        assertThat(rollup.entries().iterator().next().key()).isEqualTo("k0");
    }

    @Test
    void namesAndTextOutsideAsciiAndNumberedNamesReadAsWritten() {
        Document figures = new Document(DealRollups.SOURCE, "Empfehlung – Messe Köln 展会")
                .append("größe", 5)
                .append("b42", 1L)
                .append("bs42", 90L)
                .append("b-3", 2L)
                .append("b", 0);
        RollupDocument rollup =
                raw(new Document("_id", "id").append(DealRollups.ENTRIES, new Document("Köln|展会", figures)));

        RollupEntry entry = rollup.entries().iterator().next();
        assertThat(entry.key()).isEqualTo("Köln|展会");
        assertThat(entry.getString(DealRollups.SOURCE)).isEqualTo("Empfehlung – Messe Köln 展会");
        assertThat(entry.count("größe")).isEqualTo(5);
        assertThat(entry.count("grösse")).isZero();
        assertThat(entry.name(1)).isEqualTo("größe");
        assertThat(entry.nameEquals(2, "b42")).isTrue();
        assertThat(entry.nameEquals(2, "b4")).isFalse();
        assertThat(entry.nameStartsWith(3, "bs")).isTrue();
        assertThat(entry.nameStartsWith(2, "bs")).isFalse();
        assertThat(entry.nameNumber(2, 1)).isEqualTo(42);
        assertThat(entry.nameNumber(3, 2)).isEqualTo(42);
        assertThat(entry.nameNumber(4, 1)).isEqualTo(-3);
        assertThatThrownBy(() -> entry.nameNumber(5, 1)).hasMessageContaining("numbered name");
        assertThatThrownBy(() -> entry.nameNumber(1, 1)).hasMessageContaining("numbered name");
    }

    @Test
    void hourlyFiguresNameTheirHourAndFigure() {
        Instant seven = Instant.parse("2026-03-01T07:59:00Z").truncatedTo(ChronoUnit.HOURS);
        Instant twentyThree = Instant.parse("2026-03-01T23:00:00Z");
        Document figures = new Document(DealRollups.OWNER, "m1")
                .append(ActivityRollups.hourly(seven, ActivityRollups.CALLS), 3L)
                .append(ActivityRollups.hourly(twentyThree, ActivityRollups.DUE), 1L)
                .append(ActivityRollups.hourly(seven, "b812"), 2L)
                .append("24calls", 1L)
                .append("7calls", 1L)
                .append("07", 1L);
        RollupEntry entry = raw(new Document("_id", "id").append(DealRollups.ENTRIES, new Document("k", figures)))
                .entries()
                .iterator()
                .next();

        // fields are read by position up to the entry's size
        assertThat(entry.size()).isEqualTo(7);
        assertThat(entry.name(1)).isEqualTo("07calls");
        assertThat(entry.name(2)).isEqualTo("23due");
        assertThat(entry.nameHour(0)).as("a dimension").isEqualTo(-1);
        assertThat(entry.nameHour(1)).isEqualTo(7);
        assertThat(entry.nameHour(2)).isEqualTo(23);
        assertThat(entry.nameHour(4)).as("no hour 24").isEqualTo(-1);
        assertThat(entry.nameHour(5)).as("one digit").isEqualTo(-1);
        assertThat(entry.nameHour(6)).as("an hour without a figure").isEqualTo(-1);
        assertThat(entry.nameEquals(1, 2, ActivityRollups.CALLS)).isTrue();
        assertThat(entry.nameEquals(1, 2, "call")).isFalse();
        assertThat(entry.nameEquals(1, 2, "callsX")).isFalse();
        assertThat(entry.nameStartsWith(3, 2, "b")).isTrue();
        assertThat(entry.nameStartsWith(3, 2, "bs")).isFalse();
        assertThat(entry.nameNumber(3, 3)).isEqualTo(812);
    }

    @Test
    void aDocumentWithoutEntriesHasNone() {
        assertThat(raw(new Document("_id", "id")).entries()).isEmpty();
        assertThat(raw(new Document("_id", "id").append(DealRollups.ENTRIES, new Document()))
                        .entries())
                .isEmpty();
    }

    @Test
    void aFigureOfAnotherTypeIsRefusedWithTheEntryAndFieldNamed() {
        RollupDocument rollup = raw(new Document("_id", "id")
                .append(DealRollups.ENTRIES, new Document("k", new Document(DealRollups.DEALS, List.of(1, 2)))));

        // found when the entry's fields are read, not when the entry is reached
        RollupEntry withArray = rollup.entries().iterator().next();
        assertThatThrownBy(withArray::size)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("k")
                .hasMessageContaining(DealRollups.DEALS)
                .hasMessageContaining("ARRAY");
        RollupDocument text = raw(new Document("_id", "id")
                .append(DealRollups.ENTRIES, new Document("k", new Document(DealRollups.DEALS, "seven"))));
        RollupEntry entry = text.entries().iterator().next();
        assertThatThrownBy(() -> entry.count(DealRollups.DEALS)).hasMessageContaining("not a number");
        assertThatThrownBy(entry::hour).hasMessageContaining("no hour");
    }

    private static RollupDocument raw(Document document) {
        BasicOutputBuffer bytes = new BasicOutputBuffer();
        new DocumentCodec()
                .encode(
                        new BsonBinaryWriter(bytes),
                        document,
                        EncoderContext.builder().build());
        RawBsonDocument raw = new RawBsonDocumentCodec()
                .decode(
                        new BsonBinaryReader(ByteBuffer.wrap(bytes.toByteArray())),
                        DecoderContext.builder().build());
        return new RollupDocument(raw);
    }
}
