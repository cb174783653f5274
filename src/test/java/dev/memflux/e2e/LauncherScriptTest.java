package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The memflux script execs java: the pid the user sees is the one signals reach, first run included. */
class LauncherScriptTest {
    private static final Path SCRIPT = Path.of(System.getProperty("memflux.root", "../..")).resolve("memflux");

    @TempDir
    Path dir;

    @Test
    void theProgramsParentIsTheProcessTheUserStartedEvenOnTheFirstRun() throws Exception {
        // A checkout of its own, built but never run: no class-data archive yet.
        Path root = dir.resolve("checkout");
        Files.createDirectories(root.resolve("cli/target"));
        Files.copy(SCRIPT, root.resolve("memflux"));
        Files.copy(Memflux.JAR, root.resolve("cli/target/memflux.jar"));
        for (String run : new String[] {"first", "second"}) {
            ProcessBuilder builder = new ProcessBuilder(root.resolve("memflux").toString(), "run", "-q", "-o",
                    dir.resolve(run + ".bin").toString(), "-c", "import os; print(os.getppid())")
                    .directory(dir.toFile()).redirectError(dir.resolve(run + ".err").toFile());
            builder.environment().put("XDG_CACHE_HOME", Memflux.CACHE.toString());
            Process memflux = builder.start();
            String stdout = new String(memflux.getInputStream().readAllBytes()).strip();
            assertTrue(memflux.waitFor(120, TimeUnit.SECONDS), run + " run did not finish");
            assertEquals(0, memflux.exitValue(), Files.readString(dir.resolve(run + ".err")));
            assertEquals(Long.toString(memflux.pid()), stdout, run + " run: the program's parent is not memflux's pid");
            assertEquals("", Files.readString(dir.resolve(run + ".err")), run + " run");
        }
        assertTrue(Files.size(root.resolve("cli/target/memflux.jsa")) > 0, "no class-data archive was made");
    }
}
