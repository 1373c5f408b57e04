package org.opencrm.contacts.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvReaderTest {

    private static List<CsvReader.Row> read(String text, int maxField) throws IOException {
        var reader = new CsvReader(new StringReader(text), maxField);
        var rows = new ArrayList<CsvReader.Row>();
        CsvReader.Row row;
        while ((row = reader.next()) != null) {
            rows.add(row);
        }
        return rows;
    }

    @Test
    void readsQuotedFieldsWithCommasQuotesAndLineBreaksAndCountsLines() throws IOException {
        var rows = read("\uFEFFa,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n\nlast,,\n", 100);
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).fields()).containsExactly("a", "b", "c");
        assertThat(rows.get(1).fields()).containsExactly("x, y", "say \"hi\"", "two\nlines");
        assertThat(rows.get(1).line()).isEqualTo(2);
        assertThat(rows.get(2).fields()).containsExactly("last", "", "");
        assertThat(rows.get(2).line()).isEqualTo(5);
    }

    @Test
    void aTooLongFieldOrAnOpenQuoteIsAnErrorOfThatRecordOnly() throws IOException {
        var rows = read("ok\n" + "y".repeat(50) + ",z\nnext\n\"open", 10);
        assertThat(rows.get(0).error()).isNull();
        assertThat(rows.get(1).error()).contains("longer than 10");
        assertThat(rows.get(2).fields()).containsExactly("next");
        assertThat(rows.get(3).error()).contains("not closed");
    }

    @Test
    void whatTheWriterWritesTheReaderReadsBack() throws IOException {
        var out = new StringWriter();
        var writer = new CsvWriter(out);
        List<String> fields = java.util.Arrays.asList("plain", "a,b", "q\"uote", "line\r\nbreak", null, "");
        writer.row(fields);
        writer.flush();
        var rows = read(out.toString(), 100);
        assertThat(rows).hasSize(1);
        assertThat(rows.getFirst().fields()).containsExactly("plain", "a,b", "q\"uote", "line\r\nbreak", "", "");
    }
}
