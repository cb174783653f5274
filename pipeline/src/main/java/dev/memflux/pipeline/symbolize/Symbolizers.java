package dev.memflux.pipeline.symbolize;

import java.util.function.Consumer;

/** Picks the symbolizer: libdw when it loads, else the ELF tables, saying so once. */
public final class Symbolizers {
    private Symbolizers() {}

    public static Symbolizer best(Consumer<String> warn) {
        if (!"true".equals(System.getenv("MEMFLUX_NO_LIBDW"))) {
            try {
                return LibdwSymbolizer.load();
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                warn.accept("libdw.so.1 could not be loaded (" + e.getMessage().lines().findFirst().orElse("")
                        + "): native frames get function names from ELF symbol tables, without source lines "
                        + "or inlined frames (install elfutils' libdw1 for those)");
            }
        } else {
            warn.accept("libdw disabled (MEMFLUX_NO_LIBDW): native frames get function names from ELF symbol "
                    + "tables, without source lines or inlined frames");
        }
        return new ElfSymbolizer();
    }
}
