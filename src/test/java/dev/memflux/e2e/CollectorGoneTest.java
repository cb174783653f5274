package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.report.FileAnalysis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** If memflux goes away, the program runs on untouched; what was written still reads. */
class CollectorGoneTest {
    @TempDir
    Path dir;

    @Test
    void killedMemfluxLeavesTheProgramRunningAndAReadableFile() throws Exception {
        Path marker = dir.resolve("done.txt");
        Path capture = dir.resolve("gone.bin");
        Process memflux = Memflux.process(dir, Memflux.command(List.of(), List.of(), "run", "-q", "-o",
                capture.toString(), Memflux.program("outlives_memflux.py").toString(), marker.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
        Await.until("memflux writes its first block", Duration.ofSeconds(20), () -> Files.exists(capture));
        memflux.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        // The program was memflux's child: it must still finish on its own.
        Await.until("the program finishes after memflux was killed", Duration.ofSeconds(20),
                () -> Files.exists(marker) && Files.readString(marker).matches("done \\d+"));

        FileAnalysis analysis = FileAnalysis.of(capture);
        // memflux died mid-run: the file ends without its trailer but reads, with the
        // allocations of the blocks written (one at least a second) before the kill.
        assertTrue(analysis.cutShort());
        assertTrue(analysis.header().commandLine().contains("outlives_memflux.py"));
        Programs.Site site = Programs.site(analysis.totals(), "<module>",
                Memflux.program("outlives_memflux.py").toString(), Programs.lineOf(Memflux.program("outlives_memflux.py"), "loop"));
        assertTrue(site.allocations() > 0, "no allocation before the kill was read back");
    }

    @Test
    void memfluxKilledWhileTheProgramIdlesLeavesItsLastAllocationOnDisk() throws Exception {
        Path program = Memflux.program("idle_after_alloc.py");
        Path capture = dir.resolve("idle.bin");
        Process memflux = Memflux.process(dir, Memflux.command(List.of(), List.of(), "run", "-q", "-o",
                capture.toString(), program.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile())
                .start();
        try {
            // The program allocates once and then sleeps: only the collector's tick can seal that block.
            int line = Programs.lineOf(program, "buffer");
            Await.until("a sealed block holds the buffer while the program idles", Duration.ofSeconds(60),
                    () -> sealedBuffer(capture, program, line) != null);
            memflux.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } finally {
            memflux.destroyForcibly();
            // The program shares memflux's stdin: a line there ends its wait.
            try (var stdin = memflux.getOutputStream()) {
                stdin.write('\n');
            } catch (java.io.IOException programGone) {
                // it already ended
            }
        }
        FileAnalysis analysis = FileAnalysis.of(capture);
        assertTrue(analysis.cutShort(), "memflux was killed: the file has no trailer");
        Programs.Site site = Programs.site(analysis.totals(), "<module>", program.toString(),
                Programs.lineOf(program, "buffer"));
        assertEquals(1, site.allocations());
        assertTrue(site.bytes() >= 3_000_000, "bytes at the site: " + site.bytes());
    }

    /** The buffer's allocation, once a sealed block of the capture holds it; null before. */
    private static Programs.Site sealedBuffer(Path capture, Path program, int line) {
        if (!Files.exists(capture)) {
            return null;
        }
        try {
            Programs.Site site = Programs.site(FileAnalysis.of(capture).totals(), "<module>",
                    program.toString(), line);
            return site.allocations() > 0 ? site : null;
        } catch (dev.memflux.format.CorruptCaptureException | java.io.IOException e) {
            return null; // created but its header not yet flushed: try again
        }
    }

    @Test
    void ctrlCEndsTheProgramWithSigintAndMemfluxPassesItOn() throws Exception {
        Memflux.Result r = Memflux.run(dir, "run", "-q", "-o", "int.bin", Memflux.program("interrupted.py").toString());
        assertEquals(128 + 2, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("KeyboardInterrupt"), r.stderr());
        assertTrue(r.stderr().contains("interrupted.py\", line 4, in wait"), r.stderr());
    }
}
