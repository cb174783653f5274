package dev.memflux.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Addresses inside a module's functions, found with binutils' nm (benchmark setup only). */
final class FunctionAddresses {
    private FunctionAddresses() {}

    static long[] of(Path library, int count) throws IOException {
        Process nm = new ProcessBuilder("nm", "--defined-only", "-S", library.toString()).start();
        List<Long> found = new ArrayList<>();
        for (String line : new String(nm.getInputStream().readAllBytes()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 4 && (f[2].equals("T") || f[2].equals("t")) && Long.parseLong(f[1], 16) > 16) {
                found.add(Long.parseLong(f[0], 16) + 8);
            }
        }
        if (found.isEmpty()) {
            nm = new ProcessBuilder("nm", "-D", "--defined-only", "-S", library.toString()).start();
            for (String line : new String(nm.getInputStream().readAllBytes()).split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 4 && f[2].equals("T") && Long.parseLong(f[1], 16) > 16) {
                    found.add(Long.parseLong(f[0], 16) + 8);
                }
            }
        }
        long[] pcs = new long[count];
        for (int i = 0; i < count; i++) {
            pcs[i] = found.get((int) ((long) i * found.size() / count));
        }
        return pcs;
    }
}
