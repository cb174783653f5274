package dev.memflux.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads back a gzipped profile.proto as pprof does, independently of the writer: the
 * protobuf wire format (varints, length-delimited fields, packed or not) and the fields of
 * Profile, Sample, Location, Line and Function that a heap profile uses.
 */
final class PprofReader {
    record Sample(long[] locations, long[] values) {}

    record Function(String name, String file) {}

    /** A location's first line: its function and line number. */
    record Line(long function, long line) {}

    final List<String> sampleTypes = new ArrayList<>();
    final List<Sample> samples = new ArrayList<>();
    final Map<Long, Line> locations = new HashMap<>();
    final Map<Long, Function> functions = new HashMap<>();
    String defaultSampleType;

    private final List<String> strings = new ArrayList<>();

    static PprofReader read(Path file) throws IOException {
        byte[] raw;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            raw = out.toByteArray();
        }
        PprofReader profile = new PprofReader();
        profile.parse(raw);
        return profile;
    }

    /** The total of sample type {@code type} over every sample. */
    long total(String type) {
        int index = sampleTypes.indexOf(type);
        return samples.stream().mapToLong(s -> s.values[index]).sum();
    }

    /** A raw field: number, wire type, and its varint value or its bytes. */
    private record Field(int number, int type, long value, byte[] bytes) {}

    private static List<Field> fields(byte[] b) {
        List<Field> fields = new ArrayList<>();
        int[] at = {0};
        while (at[0] < b.length) {
            long key = varint(b, at);
            int number = (int) (key >>> 3);
            int type = (int) (key & 7);
            if (type == 0) {
                fields.add(new Field(number, type, varint(b, at), null));
            } else if (type == 2) {
                int length = (int) varint(b, at);
                byte[] bytes = java.util.Arrays.copyOfRange(b, at[0], at[0] + length);
                at[0] += length;
                fields.add(new Field(number, type, 0, bytes));
            } else {
                throw new AssertionError("wire type " + type + " in a profile");
            }
        }
        return fields;
    }

    private static long varint(byte[] b, int[] at) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            byte next = b[at[0]++];
            value |= (long) (next & 0x7F) << shift;
            if ((next & 0x80) == 0) {
                return value;
            }
        }
    }

    /** A repeated integer field, packed (type 2) or one by one. */
    private static long[] integers(List<Field> fields, int number) {
        List<Long> values = new ArrayList<>();
        for (Field f : fields) {
            if (f.number != number) {
                continue;
            }
            if (f.type == 0) {
                values.add(f.value);
            } else {
                int[] at = {0};
                while (at[0] < f.bytes.length) {
                    values.add(varint(f.bytes, at));
                }
            }
        }
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static long integer(List<Field> fields, int number) {
        long[] all = integers(fields, number);
        return all.length == 0 ? 0 : all[all.length - 1];
    }

    private void parse(byte[] raw) {
        List<Field> profile = fields(raw);
        for (Field f : profile) {
            if (f.number == 6) {
                strings.add(new String(f.bytes, StandardCharsets.UTF_8));
            }
        }
        for (Field f : profile) {
            switch (f.number) {
                case 1 -> sampleTypes.add(strings.get((int) integer(fields(f.bytes), 1)));
                case 2 -> {
                    List<Field> s = fields(f.bytes);
                    samples.add(new Sample(integers(s, 1), integers(s, 2)));
                }
                case 4 -> {
                    List<Field> l = fields(f.bytes);
                    Field line = l.stream().filter(x -> x.number == 4).findFirst().orElseThrow();
                    List<Field> lf = fields(line.bytes);
                    locations.put(integer(l, 1), new Line(integer(lf, 1), integer(lf, 2)));
                }
                case 5 -> {
                    List<Field> fn = fields(f.bytes);
                    functions.put(integer(fn, 1), new Function(strings.get((int) integer(fn, 2)),
                            strings.get((int) integer(fn, 4))));
                }
                case 14 -> defaultSampleType = strings.get((int) f.value);
                default -> { }
            }
        }
    }
}
