package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The frame walk once registered code objects through the C-API from inside malloc, which
 * could run the GC in the middle of an allocation and crashed about one run in two of
 * "-m" under Debian's python3. Runs repeated so that such a crash cannot hide.
 */
class RepeatedRunsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void tenModuleRunsInARowAllSucceed(String python) throws Exception {
        Path program = Memflux.program("mfx_module_prog.py");
        for (int run = 1; run <= 10; run++) {
            Memflux.Result r = Memflux.run(program.getParent(), "run", "-q", "-f", "--python", python, "-o",
                    dir.resolve("r.bin").toString(), "-m", "mfx_module_prog");
            assertEquals(0, r.exitCode(), "run " + run + ": " + r);
        }
    }
}
