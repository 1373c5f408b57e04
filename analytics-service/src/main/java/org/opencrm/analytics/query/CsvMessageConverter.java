package org.opencrm.analytics.query;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.stereotype.Component;

/**
 * Writes any {@link CsvTable} report as RFC 4180 CSV (UTF-8, CRLF, fields quoted when they hold a comma, a
 * quote or a line break). Text that a spreadsheet would run as a formula ({@code =}, {@code +}, {@code -},
 * {@code @} first) is prefixed with a quote: source names and appeal topics are tenant input.
 */
@Component
class CsvMessageConverter extends AbstractHttpMessageConverter<CsvTable> {

    static final MediaType TEXT_CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

    CsvMessageConverter() {
        super(TEXT_CSV);
    }

    @Override
    protected boolean supports(Class<?> clazz) {
        return CsvTable.class.isAssignableFrom(clazz);
    }

    @Override
    protected boolean canRead(MediaType mediaType) {
        return false;
    }

    @Override
    protected CsvTable readInternal(Class<? extends CsvTable> clazz, HttpInputMessage inputMessage) {
        throw new HttpMessageNotReadableException("CSV is an output format only", inputMessage);
    }

    @Override
    protected void writeInternal(CsvTable table, HttpOutputMessage outputMessage) throws IOException {
        outputMessage.getHeaders().setContentType(TEXT_CSV);
        Writer writer = new OutputStreamWriter(outputMessage.getBody(), StandardCharsets.UTF_8);
        writeLine(writer, List.copyOf(table.csvHeader()));
        for (List<Object> row : table.csvRows()) {
            writeLine(writer, row);
        }
        writer.flush();
    }

    private static void writeLine(Writer writer, List<?> values) throws IOException {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                writer.write(',');
            }
            writer.write(field(values.get(i)));
        }
        writer.write("\r\n");
    }

    static String field(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        String text = value.toString();
        if (!text.isEmpty() && "=+-@".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }
}
