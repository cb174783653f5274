package dev.memflux.gate;

import dev.memflux.report.Units;

/** The figures a gate can limit; each is known for the whole program, a scope, or a test. */
public enum Figure {
    /** Bytes live at the heap's high-water mark (for a scope: what it held at the program's peak). */
    PEAK("peak", "--max-peak", true),
    /** Bytes still live when tracking stopped. */
    LEAKED("leaked", "--max-leaked", true),
    /** Bytes allocated over the whole run. */
    ALLOCATED("allocated", "--max-allocated", true),
    /** Allocations made over the whole run. */
    ALLOCATIONS("allocations", "--max-allocations", false);

    /** The name in verdicts, JSON and the limits file. */
    public final String key;
    public final String flag;
    public final boolean bytes;

    Figure(String key, String flag, boolean bytes) {
        this.key = key;
        this.flag = flag;
        this.bytes = bytes;
    }

    public String format(long value) {
        return bytes ? Units.bytes(value) : Units.count(value);
    }

    public long parse(String text) {
        return bytes ? Quantities.size(text) : Quantities.count(text);
    }

    /** The figure called {@code key}, or null. */
    public static Figure named(String key) {
        for (Figure f : values()) {
            if (f.key.equals(key)) {
                return f;
            }
        }
        return null;
    }
}
