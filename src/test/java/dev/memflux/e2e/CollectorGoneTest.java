package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.sinks.report.CaptureAnalysis;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Process memflux = new ProcessBuilder(List.of("java", "-jar", Memflux.JAR.toString(), "run", "-q", "-o",
                capture.toString(), Memflux.program("outlives_memflux.py").toString(), marker.toString()))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile())
                .start();
        long deadline = System.currentTimeMillis() + 20_000;
        while (!Files.exists(capture) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        memflux.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        // The program was memflux's child: it must still finish on its own.
        while (!Files.exists(marker) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(marker), "the program did not finish after memflux was killed");
        Thread.sleep(100);
        assertTrue(Files.readString(marker).matches("done \\d+"), Files.readString(marker));

        CaptureAnalysis analysis = CaptureAnalysis.of(capture, false);
        // memflux died mid-run: the file ends without its trailer but reads, with the
        // allocations of the blocks written (one at least a second) before the kill.
        assertTrue(analysis.cutShort());
        assertTrue(analysis.header().commandLine().contains("outlives_memflux.py"));
        Programs.Site site = Programs.site(analysis.totals(), "<module>",
                Memflux.program("outlives_memflux.py").toString(), Programs.lineOf(Memflux.program("outlives_memflux.py"), "loop"));
        assertTrue(site.allocations() > 0, "no allocation before the kill was read back");
    }

    @Test
    void ctrlCEndsTheProgramWithSigintAndMemfluxPassesItOn() throws Exception {
        Memflux.Result r = Memflux.run(dir, "run", "-q", "-o", "int.bin", Memflux.program("interrupted.py").toString());
        assertEquals(128 + 2, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("KeyboardInterrupt"), r.stderr());
        assertTrue(r.stderr().contains("interrupted.py\", line 4, in wait"), r.stderr());
    }
}
