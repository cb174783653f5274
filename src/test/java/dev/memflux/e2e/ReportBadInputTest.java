package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tree, transform and the figure options refuse bad input in one line with the documented exit code. */
class ReportBadInputTest {
    @TempDir
    Path dir;

    private void refused(int exitCode, String expected, String... args) throws Exception {
        Memflux.Result r = Memflux.run(dir, args);
        assertEquals(exitCode, r.exitCode(), r.toString());
        String first = r.stderr().lines().findFirst().orElse("");
        assertTrue(first.startsWith("memflux: ") && first.contains(expected), r.toString());
        assertFalse(r.stderr().contains("Exception") || r.stderr().contains("\tat "), "a stack trace:\n" + r.stderr());
        assertTrue(r.stdout().isEmpty(), r.toString());
    }

    @Test
    void badFormatsOptionsAndFiles() throws Exception {
        Path notCapture = Files.writeString(dir.resolve("notes.txt"), "not a capture\n");
        refused(2, "format not supported: 'svg'", "transform", "svg", notCapture.toString());
        refused(1, "no such file: " + dir.resolve("missing.bin"), "transform", "csv", dir.resolve("missing.bin").toString());
        refused(1, "no such file", "tree", dir.resolve("missing.bin").toString());
        refused(1, "notes.txt", "tree", notCapture.toString());
        refused(1, "notes.txt", "transform", "pprof", "-o", dir.resolve("p.pb.gz").toString(), notCapture.toString());
        assertFalse(Files.exists(dir.resolve("p.pb.gz")), "an output was left for a capture that could not be read");
        refused(2, "exclude each other", "tree", "--leaks", "--temporary-allocations", notCapture.toString());
        refused(2, "exclude each other", "summary", "--leaks", "--temporary-allocation-threshold", "3",
                notCapture.toString());
        refused(2, "must be from 0 to 1000000, not -1", "summary", "--temporary-allocation-threshold", "-1",
                notCapture.toString());
        refused(2, "must be from 0 to 1000000, not 2000000000", "tree", "--temporary-allocation-threshold",
                "2000000000", notCapture.toString());
        refused(2, "-b must be at least 1", "tree", "-b", "0", notCapture.toString());
    }

    @Test
    void anExistingOutputIsKeptWithoutForce() throws Exception {
        Path capture = TemporariesAndLeaksTest.capture(dir, "python3", Memflux.program("exact_count.py"));
        Path out = Files.writeString(dir.resolve("keep.csv"), "keep me");
        refused(1, "already exists (use -f to overwrite it)", "transform", "csv", "-o", out.toString(),
                capture.toString());
        assertEquals("keep me", Files.readString(out));
        Memflux.Result forced = Memflux.run(dir, "transform", "csv", "-f", "-o", out.toString(), capture.toString());
        assertEquals(0, forced.exitCode(), forced.toString());
        assertEquals("Wrote " + out, forced.stdout().trim());
        assertTrue(Files.readString(out).startsWith("allocator,num_allocations,size,"));
    }
}
