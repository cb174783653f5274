package dev.memflux.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The formats {@code memflux transform} writes, each with the suffix of its default output name. */
public enum TransformFormat {
    CSV(".csv"), GPROF2DOT(".json"), PPROF(".pb.gz"), SPEEDSCOPE(".speedscope.json");

    public final String suffix;

    TransformFormat(String suffix) {
        this.suffix = suffix;
    }

    /** The format named {@code name} (any case), or null. */
    public static TransformFormat named(String name) {
        for (TransformFormat f : values()) {
            if (f.name().equalsIgnoreCase(name)) {
                return f;
            }
        }
        return null;
    }

    public String displayName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the format needs every site that allocated over the run, not only those in the figures. */
    public boolean wantsRunTotals() {
        return this == PPROF;
    }

    public void write(ExportSites sites, OutputStream out) throws IOException {
        if (this == PPROF) {
            PprofExport.write(sites, out);
            return;
        }
        Writer text = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        switch (this) {
            case CSV -> CsvExport.write(sites, text);
            case GPROF2DOT -> Gprof2dotExport.write(sites, text);
            default -> SpeedscopeExport.write(sites, text);
        }
        text.flush();
    }
}
