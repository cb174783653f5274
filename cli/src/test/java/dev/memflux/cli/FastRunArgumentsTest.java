package dev.memflux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The fast reading of a run line sets exactly what picocli would, or leaves the line to picocli. */
class FastRunArgumentsTest {
    private static final List<String[]> READ_FAST = List.of(
            line("run", "script.py"),
            line("run", "-o", "out.bin", "-f", "-q", "script.py", "a", "-o", "b"),
            line("run", "--output=out.bin", "--force", "--quiet", "--python", "/usr/bin/python3", "s.py"),
            line("run", "--python=python3.12", "--native", "--no-compress", "-m", "http.server", "-q", "8000"),
            line("run", "--trace-python-allocators", "--follow-fork", "--compress-on-exit", "-c", "pass", "x", "--", "-c"),
            line("run", "-f", "--", "-script.py", "--flag"),
            line("run", "-m", "pkg", "--", "x"),
            line("run", "--aggregate", "-o", "a.bin", "s.py"),
            line("run", "--sample-rate=64KiB", "-q", "s.py"),
            line("run", "-", "arg"),
            line("run", "-q"));

    private static final List<String[]> LEFT_TO_PICOCLI = List.of(
            line("run"),
            line("run", "--help"),
            line("run", "-h"),
            line("run", "-qf", "s.py"),
            line("run", "-oout.bin", "s.py"),
            line("run", "-q", "-q", "s.py"),
            line("run", "-o", "a.bin", "--output", "b.bin", "s.py"),
            line("run", "-o"),
            line("run", "-o", "-q", "s.py"),
            line("run", "--output=", "s.py"),
            line("run", "--force=true", "s.py"),
            line("run", "--live", "s.py"),
            line("run", "--sample-rate", "s.py"),
            line("run", "--sample-rate", "64KiB", "s.py"),
            line("run", "--sample-rate=", "s.py"),
            line("run", "--sample-rate=1k", "--sample-rate=2k", "s.py"),
            line("run", "--unknown", "s.py"),
            line("stats", "x.bin"));

    private static String[] line(String... argv) {
        return argv;
    }

    @Test
    void commonRunLinesAreReadAsPicocliReadsThem() {
        for (String[] argv : READ_FAST) {
            RunCommand fast = FastRunArguments.parse(argv);
            assertNotNull(fast, () -> "not read fast: " + Arrays.toString(argv));
            assertEquals(fields(picocli(argv)), fields(fast), Arrays.toString(argv));
        }
    }

    @Test
    void everyOtherLineIsLeftToPicocli() {
        for (String[] argv : LEFT_TO_PICOCLI) {
            assertNull(FastRunArguments.parse(argv), () -> "read fast: " + Arrays.toString(argv));
        }
    }

    @Test
    void usageErrorsAreLeftToPicocliBeforeAnythingRuns() {
        // Contradicting flags are a usage error RunCommand finds: picocli must say it.
        assertNull(FastRunArguments.run(line("run", "-f", "-o", "/nonexistent/x.bin", "--no-compress",
                "--compress-on-exit", "-c", "pass")));
        assertNull(FastRunArguments.run(line("run", "-q")), "nothing to run");
    }

    private static RunCommand picocli(String[] argv) {
        String[] separated = RunCommand.separateProgramArguments(argv);
        RunCommand run = new RunCommand();
        new CommandLine(run).setStopAtPositional(true).parseArgs(Arrays.copyOfRange(separated, 1, separated.length));
        return run;
    }

    /**
     * Every instance field, by reflection: an option added to RunCommand later is compared
     * too, so a picocli default the fast reading does not set (as --python's) fails here.
     */
    private static String fields(RunCommand r) {
        StringBuilder all = new StringBuilder();
        for (Field field : RunCommand.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) || field.getName().equals("spec")
                    || field.getName().equals("fastErr")) {
                continue;
            }
            try {
                field.setAccessible(true);
                all.append(field.getName()).append('=').append(field.get(r)).append('|');
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return all.toString();
    }
}
