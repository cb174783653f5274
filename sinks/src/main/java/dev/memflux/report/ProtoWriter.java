package dev.memflux.report;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Just enough of the protobuf wire format to write a profile.proto: varints, strings and
 * length-delimited nested messages (a nested message is written into its own writer, then
 * copied in behind its length). Writing profiles needs nothing else, so no dependency.
 */
final class ProtoWriter {
    private static final int VARINT = 0;
    private static final int LENGTH_DELIMITED = 2;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** An int64/uint64 field; zero is the default and is left out, as protobuf encoders do. */
    ProtoWriter int64(int field, long value) {
        if (value != 0) {
            key(field, VARINT);
            varint(value);
        }
        return this;
    }

    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter message(int field, ProtoWriter message) {
        return bytes(field, message.out.toByteArray());
    }

    /** A packed repeated int64/uint64 field. */
    ProtoWriter packed(int field, long[] values) {
        ProtoWriter body = new ProtoWriter();
        for (long v : values) {
            body.varint(v);
        }
        return bytes(field, body.out.toByteArray());
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private ProtoWriter bytes(int field, byte[] value) {
        key(field, LENGTH_DELIMITED);
        varint(value.length);
        out.write(value, 0, value.length);
        return this;
    }

    private void key(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    /** Seven bits a byte, low first; a negative int64 takes ten bytes, as protobuf's two's complement does. */
    private void varint(long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
