package org.opencrm.analytics.query;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The few parts of the BSON format (bsonspec.org) that walking a rollup document needs: element types, lengths,
 * little-endian numbers and names, read in place from the document's bytes.
 *
 * <p>Why not the driver's {@link org.bson.BsonBinaryReader}: walking a sources document of 2,500 entries with it
 * took 1.5-2 ms (its state checks and a {@code String} per field name and value) against 0.25-0.4 ms here, and the
 * reports walk up to ~400,000 entries per call at 1,000,000 deals. The driver still receives and frames the
 * documents; {@code RollupDocumentTest} holds this reader to what the driver's encoder writes.
 */
final class RollupBson {

    static final byte DOUBLE = 0x01;
    static final byte STRING = 0x02;
    static final byte DOCUMENT = 0x03;
    static final byte ARRAY = 0x04;
    static final byte BINARY = 0x05;
    static final byte OBJECT_ID = 0x07;
    static final byte BOOLEAN = 0x08;
    static final byte DATE_TIME = 0x09;
    static final byte NULL = 0x0A;
    static final byte INT32 = 0x10;
    static final byte TIMESTAMP = 0x11;
    static final byte INT64 = 0x12;
    static final byte DECIMAL128 = 0x13;

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private RollupBson() {}

    /** The driver's name of a BSON type byte ({@link org.bson.BsonType}), or its hex value for one it does not know. */
    static String typeName(byte type) {
        var known = org.bson.BsonType.findByValue(type & 0xFF);
        return known != null ? known.name() : "0x" + Integer.toHexString(type & 0xFF);
    }

    static int int32(byte[] bytes, int at) {
        return (int) INT.get(bytes, at);
    }

    static long int64(byte[] bytes, int at) {
        return (long) LONG.get(bytes, at);
    }

    static double float64(byte[] bytes, int at) {
        return Double.longBitsToDouble(int64(bytes, at));
    }

    /** The index of the zero byte that ends the name (a C string) starting at {@code at}. */
    static int nameEnd(byte[] bytes, int at) {
        int end = at;
        while (bytes[end] != 0) {
            end++;
        }
        return end;
    }

    /** Whether the bytes {@code [start, end)} are {@code name} in UTF-8. */
    static boolean nameEquals(byte[] bytes, int start, int end, String name) {
        return nameEquals(bytes, start, end, name, isAscii(name));
    }

    /** {@link #nameEquals(byte[], int, int, String)} for a caller that knows whether {@code name} is ASCII. */
    static boolean nameEquals(byte[] bytes, int start, int end, String name, boolean nameIsAscii) {
        int length = name.length();
        if (end - start != length) {
            // UTF-8 takes at least a byte per char, and more only for chars outside ASCII
            return end - start > length
                    && !nameIsAscii
                    && utf8(bytes, start, end - start).equals(name);
        }
        for (int i = 0; i < length; i++) {
            char c = name.charAt(i);
            if (c > 0x7F) {
                // not ASCII: compare the decoded text (the rollups' own field names never get here)
                return utf8(bytes, start, end - start).equals(name);
            }
            if (bytes[start + i] != c) {
                return false;
            }
        }
        return true;
    }

    static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0x7F) {
                return false;
            }
        }
        return true;
    }

    static String utf8(byte[] bytes, int start, int length) {
        return new String(bytes, start, length, StandardCharsets.UTF_8);
    }

    /** A string value at {@code at}: its length (with the ending zero byte), then its bytes. */
    static String string(byte[] bytes, int at) {
        return utf8(bytes, at + 4, int32(bytes, at) - 1);
    }

    /** How many bytes the value of type {@code type} at {@code at} takes, or -1 for a type this reader does not know. */
    static int valueLength(byte type, byte[] bytes, int at) {
        return switch (type) {
            case DOUBLE, DATE_TIME, TIMESTAMP, INT64 -> 8;
            case STRING -> 4 + int32(bytes, at);
            case DOCUMENT, ARRAY -> int32(bytes, at);
            case BINARY -> 5 + int32(bytes, at);
            case OBJECT_ID -> 12;
            case BOOLEAN -> 1;
            case NULL -> 0;
            case INT32 -> 4;
            case DECIMAL128 -> 16;
            default -> -1;
        };
    }
}
