package dev.memflux.pipeline.symbolize;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fallback when libdw cannot be loaded: function names from each module's ELF symbol
 * tables (.symtab, else .dynsym), read in Java and searched by address. No source lines,
 * no inlined frames. Called from the pipeline thread only.
 */
public final class ElfSymbolizer implements Symbolizer {
    private static final int SHT_SYMTAB = 2;
    private static final int SHT_DYNSYM = 11;
    private static final int STT_FUNC = 2;

    /** A module's functions sorted by address. */
    private record Table(long[] start, long[] end, String[] name) {}

    private final Map<String, Table> tables = new HashMap<>();

    @Override
    public String name() {
        return "ELF symbol tables";
    }

    @Override
    public List<NativeFrame> resolve(Module module, long pc) {
        if (module == null) {
            return List.of(Symbolizer.unknown(null, pc));
        }
        Table t = tables.computeIfAbsent(module.path(), ElfSymbolizer::read);
        long offset = pc - module.bias();
        int i = Arrays.binarySearch(t.start, offset);
        i = i >= 0 ? i : -i - 2;
        if (i >= 0 && offset < Math.max(t.end[i], t.start[i] + 1)) {
            return List.of(new NativeFrame(t.name[i], module.path(), 0, false));
        }
        return List.of(Symbolizer.unknown(module, pc));
    }

    static Table read(String path) {
        try (FileChannel ch = FileChannel.open(Path.of(path), StandardOpenOption.READ)) {
            ByteBuffer elf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            if (elf.getInt(0) != 0x464c457f || elf.get(4) != 2) {
                return empty();
            }
            long shoff = elf.getLong(0x28);
            int shentsize = elf.getShort(0x3a) & 0xffff;
            int shnum = elf.getShort(0x3c) & 0xffff;
            Table symtab = null;
            Table dynsym = null;
            for (int s = 0; s < shnum; s++) {
                int at = (int) (shoff + (long) s * shentsize);
                int type = elf.getInt(at + 4);
                if (type == SHT_SYMTAB || type == SHT_DYNSYM) {
                    int strtab = (int) (shoff + (long) elf.getInt(at + 40) * shentsize);
                    Table t = symbols(elf, elf.getLong(at + 24), elf.getLong(at + 32), elf.getLong(at + 56),
                            elf.getLong(strtab + 24));
                    if (type == SHT_SYMTAB) {
                        symtab = t;
                    } else {
                        dynsym = t;
                    }
                }
            }
            return symtab != null && symtab.start.length > 0 ? symtab : dynsym != null ? dynsym : empty();
        } catch (IOException | RuntimeException e) {
            return empty(); // a deleted or unreadable module: its addresses stay unnamed
        }
    }

    private static Table symbols(ByteBuffer elf, long offset, long size, long entsize, long strings) {
        List<long[]> ranges = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (long at = offset; entsize > 0 && at + entsize <= offset + size; at += entsize) {
            int info = elf.get((int) at + 4);
            long value = elf.getLong((int) at + 8);
            if ((info & 0xf) != STT_FUNC || value == 0) {
                continue;
            }
            ranges.add(new long[] {value, value + elf.getLong((int) at + 16), names.size()});
            names.add(cString(elf, (int) (strings + elf.getInt((int) at))));
        }
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        long[] start = new long[ranges.size()];
        long[] end = new long[ranges.size()];
        String[] name = new String[ranges.size()];
        for (int i = 0; i < start.length; i++) {
            start[i] = ranges.get(i)[0];
            end[i] = ranges.get(i)[1];
            name[i] = names.get((int) ranges.get(i)[2]);
        }
        return new Table(start, end, name);
    }

    private static String cString(ByteBuffer elf, int at) {
        int end = at;
        while (elf.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - at];
        elf.get(at, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Table empty() {
        return new Table(new long[0], new long[0], new String[0]);
    }

    @Override
    public void close() {
        tables.clear();
    }
}
