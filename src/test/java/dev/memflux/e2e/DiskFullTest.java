package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memflux.report.FileAnalysis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A disk that fills up mid-run: the program's exit code, one plain line, and a file that reads cut short. */
class DiskFullTest {
    @TempDir
    Path dir;

    private Path mounted;

    private static int sh(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            sh("umount", mounted.toString());
        }
    }

    @Test
    void aDiskFillingUpMidRunIsSaidInOneLineAndTheProgramsCodeKept() throws Exception {
        Path small = Files.createDirectory(dir.resolve("small"));
        // A 2 MiB tmpfs needs root; elsewhere this test has nothing to run on.
        assumeTrue(sh("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", small.toString()) == 0,
                "cannot mount a small tmpfs here (not root?)");
        mounted = small;
        Path capture = small.resolve("full.bin");
        Path program = Memflux.program("fills_disk.py");
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--no-compress", "-o", capture.toString(), program.toString());

        assertEquals(3, r.exitCode(), r.toString());
        String line = r.stderr().lines().filter(l -> l.startsWith("memflux: ")).findFirst().orElse("");
        assertTrue(line.matches("memflux: disk full writing " + java.util.regex.Pattern.quote(capture.toString())
                + ": the capture is cut short at [12]\\.\\d MiB"), r.toString());
        assertEquals(1, r.stderr().lines().filter(l -> l.startsWith("memflux: ")).count(), r.toString());

        FileAnalysis a = FileAnalysis.of(capture);
        assertTrue(a.cutShort());
        Programs.Site site = Programs.site(a.totals(), "<module>", program.toString(), Programs.lineOf(program, "churn"));
        assertTrue(site.allocations() > 10_000 && site.allocations() < 1_000_000, "read " + site.allocations());
        assertEquals(1001L * site.allocations(), site.bytes());
    }
}
