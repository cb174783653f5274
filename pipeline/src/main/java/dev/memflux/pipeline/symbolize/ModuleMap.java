package dev.memflux.pipeline.symbolize;

import java.util.Map;
import java.util.TreeMap;

/** Which module holds an address: the executable segments of every announced module. */
public final class ModuleMap {
    private record Segment(long start, long end, Module module) {}

    private final TreeMap<Long, Segment> segments = new TreeMap<>();

    public void add(Module module, long start, long length) {
        segments.put(start, new Segment(start, start + length, module));
    }

    /** The module whose code holds {@code address}, or null. */
    public Module find(long address) {
        Map.Entry<Long, Segment> e = segments.floorEntry(address);
        return e != null && address < e.getValue().end ? e.getValue().module : null;
    }
}
