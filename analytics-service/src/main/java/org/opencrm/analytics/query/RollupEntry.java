package org.opencrm.analytics.query;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import org.bson.types.Decimal128;
import org.opencrm.analytics.projection.DealRollups;

/**
 * One entry of a rollup document, read in place from the document's bytes ({@link RollupDocument#entries}).
 *
 * <p>One instance is refilled for every entry of a document: a caller keeps the values it needs, never the entry.
 * Filling it only notes where the entry lies; its fields are found when first asked for, and only as far as asked
 * (the dimensions come first: an entry a report skips by its owner or department is not scanned further). A value
 * is read when asked for, so the counts and hours the reports sum allocate nothing, and a string is decoded only
 * when a report uses it. {@link #get} answers as a decoded
 * {@link org.bson.Document} did (strings, {@code Integer}, {@code Long}, {@code Double}, amounts as {@code
 * Decimal128}, {@code Date}, {@code Boolean}). Decoding every entry into a {@code Document} (a map node and a boxed
 * value per figure) was 40-76% of every report's time at 1,000,000 deals (docs/analytics.md).
 */
final class RollupEntry {

    private byte[] bytes;
    private int keyStart;
    private int keyEnd;
    private String key;
    /** The fields found so far; {@link #scanAt} is where the next one starts, {@link #end} the entry's end. */
    private int size;

    private int scanAt;
    private int end;
    private byte[] types = new byte[16];
    private int[] nameStarts = new int[16];
    private int[] nameEnds = new int[16];

    // the names asked for are the rollups' constants: whether the last one is ASCII, known without scanning it again
    private String lastName;
    private boolean lastNameIsAscii;

    /** The entry's key in its document (its dimensions, for hourly kinds after the hour). */
    String key() {
        if (key == null) {
            key = RollupBson.utf8(bytes, keyStart, keyEnd - keyStart);
        }
        return key;
    }

    /** How many fields the entry has; {@link #name} and {@link #count(int)} read them by position. */
    int size() {
        while (scanNext()) {
            // every field noted
        }
        return size;
    }

    String name(int field) {
        return RollupBson.utf8(bytes, nameStarts[field], nameEnds[field] - nameStarts[field]);
    }

    /** Whether the field's name is {@code name}, without decoding the name. */
    boolean nameEquals(int field, String name) {
        return RollupBson.nameEquals(bytes, nameStarts[field], nameEnds[field], name, isAscii(name));
    }

    private boolean isAscii(String name) {
        if (name != lastName) {
            lastName = name;
            lastNameIsAscii = RollupBson.isAscii(name);
        }
        return lastNameIsAscii;
    }

    /** Whether the field's name starts with {@code prefix} (ASCII), without decoding the name. */
    boolean nameStartsWith(int field, String prefix) {
        return nameStartsWith(field, 0, prefix);
    }

    /** Whether the field's name, after its first {@code from} bytes, starts with {@code prefix} (ASCII). */
    boolean nameStartsWith(int field, int from, String prefix) {
        int start = nameStarts[field] + from;
        if (nameEnds[field] - start < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[start + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the field's name, after its first {@code from} bytes, is {@code name} (ASCII). */
    boolean nameEquals(int field, int from, String name) {
        return nameEnds[field] - nameStarts[field] - from == name.length() && nameStartsWith(field, from, name);
    }

    /**
     * The hour of day an hourly figure's name starts with ({@code 07calls} -> 7; {@link
     * org.opencrm.analytics.projection.ActivityRollups#hourly}), or -1 for a name that starts with no hour.
     */
    int nameHour(int field) {
        int start = nameStarts[field];
        if (nameEnds[field] - start < 3) {
            return -1;
        }
        int tens = bytes[start] - '0';
        int ones = bytes[start + 1] - '0';
        if (tens < 0 || tens > 2 || ones < 0 || ones > 9 || tens * 10 + ones > 23) {
            return -1;
        }
        return tens * 10 + ones;
    }

    /**
     * The decimal number that follows the first {@code from} bytes of the field's name ({@code b42} -> 42, {@code
     * b-3} -> -3), as {@link Long#parseLong} reads it.
     */
    long nameNumber(int field, int from) {
        int start = nameStarts[field] + from;
        int end = nameEnds[field];
        boolean negative = start < end && bytes[start] == '-';
        if (negative) {
            start++;
        }
        // 18 digits cannot overflow a long: no overflow checks per digit (they were 9% of the funnel report)
        if (start >= end || end - start > 18) {
            throw notA("numbered name", field);
        }
        long number = 0;
        for (int at = start; at < end; at++) {
            int digit = bytes[at] - '0';
            if (digit < 0 || digit > 9) {
                throw notA("numbered name", field);
            }
            number = number * 10 + digit;
        }
        return negative ? -number : number;
    }

    /** A field's whole-number value, 0 when it is absent or null. */
    long count(String name) {
        int field = indexOf(name);
        return field < 0 ? 0 : count(field);
    }

    long count(int field) {
        int at = valueAt(field);
        return switch (types[field]) {
            case RollupBson.INT32 -> RollupBson.int32(bytes, at);
            case RollupBson.INT64 -> RollupBson.int64(bytes, at);
            case RollupBson.DOUBLE -> (long) RollupBson.float64(bytes, at);
            case RollupBson.DECIMAL128 -> decimal128(at).longValue();
            case RollupBson.NULL -> 0;
            default -> throw notA("number", field);
        };
    }

    String getString(String name) {
        int field = indexOf(name);
        if (field < 0 || types[field] == RollupBson.NULL) {
            return null;
        }
        if (types[field] != RollupBson.STRING) {
            throw notA("string", field);
        }
        return RollupBson.string(bytes, valueAt(field));
    }

    /** The hour an hourly entry counts in ({@link DealRollups#HOUR}). */
    Instant hour() {
        int field = indexOf(DealRollups.HOUR);
        if (field < 0 || types[field] != RollupBson.DATE_TIME) {
            throw new IllegalStateException("rollup entry " + key() + " has no hour");
        }
        return Instant.ofEpochMilli(RollupBson.int64(bytes, valueAt(field)));
    }

    /** An amount, zero when absent ({@link Figures#decimal}). */
    BigDecimal decimal(String name) {
        return Figures.decimal(get(name));
    }

    /** A field's value as a decoded {@link org.bson.Document} holds it, or null. */
    Object get(String name) {
        int field = indexOf(name);
        if (field < 0) {
            return null;
        }
        int at = valueAt(field);
        return switch (types[field]) {
            case RollupBson.INT32 -> RollupBson.int32(bytes, at);
            case RollupBson.INT64 -> RollupBson.int64(bytes, at);
            case RollupBson.DOUBLE -> RollupBson.float64(bytes, at);
            case RollupBson.DECIMAL128 -> decimal128(at);
            case RollupBson.STRING -> RollupBson.string(bytes, at);
            case RollupBson.DATE_TIME -> new Date(RollupBson.int64(bytes, at));
            case RollupBson.BOOLEAN -> bytes[at] != 0;
            default -> null;
        };
    }

    private Decimal128 decimal128(int at) {
        return Decimal128.fromIEEE754BIDEncoding(RollupBson.int64(bytes, at + 8), RollupBson.int64(bytes, at));
    }

    private int valueAt(int field) {
        return nameEnds[field] + 1;
    }

    private int indexOf(String name) {
        boolean ascii = isAscii(name);
        for (int field = 0; field < size; field++) {
            if (RollupBson.nameEquals(bytes, nameStarts[field], nameEnds[field], name, ascii)) {
                return field;
            }
        }
        while (scanNext()) {
            int field = size - 1;
            if (RollupBson.nameEquals(bytes, nameStarts[field], nameEnds[field], name, ascii)) {
                return field;
            }
        }
        return -1;
    }

    private IllegalStateException notA(String what, int field) {
        return new IllegalStateException("rollup entry " + key() + ": " + name(field) + " is of BSON type "
                + RollupBson.typeName(types[field]) + ", not a " + what);
    }

    /**
     * Notes where the entry whose element (type byte, key, document) starts at {@code at} lies; returns where the
     * next element starts. Its fields are noted when asked for ({@link #scanNext}).
     */
    int read(byte[] document, int at) {
        bytes = document;
        key = null;
        keyStart = at + 1;
        keyEnd = RollupBson.nameEnd(bytes, keyStart);
        if (bytes[at] != RollupBson.DOCUMENT) {
            throw new IllegalStateException("rollup entry " + key() + " is of BSON type "
                    + RollupBson.typeName(bytes[at]) + ", not a document");
        }
        int start = keyEnd + 1;
        end = start + RollupBson.int32(bytes, start) - 1;
        scanAt = start + 4;
        size = 0;
        return end + 1;
    }

    /** Notes the next field of the entry; false when every field is noted. */
    private boolean scanNext() {
        if (scanAt >= end) {
            return false;
        }
        if (size == types.length) {
            grow();
        }
        byte type = bytes[scanAt];
        types[size] = type;
        nameStarts[size] = scanAt + 1;
        nameEnds[size] = RollupBson.nameEnd(bytes, scanAt + 1);
        int length = switch (type) {
            // the rollup writers (projection package) store no other type: a document that has one is not theirs
            case RollupBson.DOUBLE,
                    RollupBson.STRING,
                    RollupBson.BOOLEAN,
                    RollupBson.DATE_TIME,
                    RollupBson.NULL,
                    RollupBson.INT32,
                    RollupBson.INT64,
                    RollupBson.DECIMAL128 -> RollupBson.valueLength(type, bytes, nameEnds[size] + 1);
            default ->
                throw new IllegalStateException("rollup entry " + key() + ": " + name(size) + " is of BSON type "
                        + RollupBson.typeName(type) + ", which rollups do not hold");
        };
        scanAt = nameEnds[size] + 1 + length;
        size++;
        return true;
    }

    private void grow() {
        int length = types.length * 2;
        types = Arrays.copyOf(types, length);
        nameStarts = Arrays.copyOf(nameStarts, length);
        nameEnds = Arrays.copyOf(nameEnds, length);
    }
}
