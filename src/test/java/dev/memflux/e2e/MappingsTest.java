package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.report.FileAnalysis;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** mmap, partial munmap and mremap: live bytes and the peak, to the byte. */
class MappingsTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    private FileAnalysis capture(String python, String program, String... args) throws Exception {
        Path out = dir.resolve(program + String.join("-", args) + ".bin");
        String[] command = new String[7 + args.length];
        System.arraycopy(new String[] {"run", "-q", "--python", python, "-o", out.toString(),
            Memflux.program(program).toString()}, 0, command, 0, 7);
        System.arraycopy(args, 0, command, 7, args.length);
        Memflux.Result r = Memflux.run(dir, command);
        assertEquals(0, r.exitCode(), r.toString());
        return FileAnalysis.of(out);
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void unmappingPiecesOfAMappingReleasesExactlyThoseBytes(String python) throws Exception {
        Path program = Memflux.program("mapping_pieces.py");
        int line = Programs.lineOf(program, "map");
        long[] liveAfter = {10 * MIB, 6 * MIB, 3 * MIB, 0};
        for (int unmaps = 0; unmaps <= 3; unmaps++) {
            FileAnalysis analysis = capture(python, "mapping_pieces.py", Integer.toString(unmaps));
            Aggregator totals = analysis.totals();
            assertEquals(liveAfter[unmaps], Programs.site(totals, "<module>", program.toString(), line).liveAtEnd(),
                    "after " + unmaps + " unmaps");
            assertEquals(10 * MIB, Programs.bytesAt(totals, totals.peakBytesByNode(), "<module>",
                    program.toString(), line), "at the peak, after " + unmaps + " unmaps");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void aResizedMappingCountsItsNewSizeAtThePeakAndAtTheEnd(String python) throws Exception {
        Path program = Memflux.program("mapping_resize.py");
        String file = program.toString();
        FileAnalysis analysis = capture(python, "mapping_resize.py");
        Aggregator totals = analysis.totals();
        long[] atPeak = totals.peakBytesByNode();
        int map = Programs.lineOf(program, "map");
        int grow = Programs.lineOf(program, "grow");
        int shrink = Programs.lineOf(program, "shrink");
        assertEquals(12 * MIB, Programs.bytesAt(totals, atPeak, "<module>", file, grow));
        assertEquals(0, Programs.bytesAt(totals, atPeak, "<module>", file, map));
        assertEquals(2 * MIB, Programs.site(totals, "<module>", file, shrink).liveAtEnd());
        assertEquals(0, Programs.site(totals, "<module>", file, grow).liveAtEnd());
        assertEquals(0, Programs.site(totals, "<module>", file, map).liveAtEnd());
    }
}
