package org.opencrm.contacts.transfer;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Streaming RFC 4180 reader: one record at a time from a {@link Reader}, so a file of any size is read in
 * constant memory. Quoted fields may hold commas, doubled quotes and line breaks; CRLF and LF both end a
 * record; a UTF-8 byte order mark before the first field is dropped. A field longer than
 * {@code maxFieldLength} or a quote left open at the end of the file is an error of that record, not of the
 * whole file: the reader reports it and carries on with the next line.
 */
final class CsvReader {

    /** A record, or the reason it could not be read; {@code line} is where it started (1-based). */
    record Row(long line, List<String> fields, String error) {}

    private final Reader in;
    private final int maxFieldLength;
    private final char[] buffer = new char[64 * 1024];
    private int length;
    private int position;
    private long line = 1;
    private boolean first = true;

    CsvReader(Reader in, int maxFieldLength) {
        this.in = in;
        this.maxFieldLength = maxFieldLength;
    }

    /** The next record, or null at the end of the input. Blank lines are skipped. */
    Row next() throws IOException {
        while (true) {
            int c = peek();
            if (c < 0) {
                return null;
            }
            if (first && c == '\uFEFF') {
                position++;
                first = false;
                continue;
            }
            first = false;
            if (c == '\n') {
                position++;
                line++;
                continue;
            }
            if (c == '\r') {
                position++;
                continue;
            }
            return record();
        }
    }

    private Row record() throws IOException {
        long start = line;
        var fields = new ArrayList<String>();
        var field = new StringBuilder();
        String error = null;
        boolean quoted = false;
        boolean fieldStart = true;
        while (true) {
            int c = read();
            if (c < 0) {
                if (quoted) {
                    error = "a quoted field is not closed before the end of the file";
                }
                fields.add(field.toString());
                return new Row(start, fields, error);
            }
            if (quoted) {
                if (c == '"') {
                    if (peek() == '"') {
                        position++;
                        append(field, '"');
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    append(field, (char) c);
                }
            } else if (c == '"' && fieldStart) {
                quoted = true;
                fieldStart = false;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                fieldStart = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && peek() == '\n') {
                    position++;
                }
                line++;
                fields.add(field.toString());
                return new Row(start, fields, error);
            } else {
                append(field, (char) c);
                fieldStart = false;
            }
            if (field.length() > maxFieldLength) {
                error = "a field is longer than " + maxFieldLength + " characters";
                // Keep reading to the end of the record, holding nothing more of it.
                field.setLength(0);
            }
        }
    }

    private static void append(StringBuilder field, char c) {
        field.append(c);
    }

    private int peek() throws IOException {
        if (position >= length) {
            length = in.read(buffer);
            position = 0;
            if (length <= 0) {
                length = 0;
                return -1;
            }
        }
        return buffer[position];
    }

    private int read() throws IOException {
        int c = peek();
        if (c >= 0) {
            position++;
        }
        return c;
    }
}
