package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.report.FileAnalysis;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Function and file names are the program's own, whatever their characters, and only the
 * interpreter's runpy (and memflux's bootstrap) is left out of stacks.
 */
class NonAsciiNamesTest {
    @TempDir
    Path dir;

    private Aggregator capture(String python, String source, Path program) throws Exception {
        FileAnalysis analysis = FileAnalysis.of(StackSources.capture(dir, python, source, program));
        StackSources.assertSource(source, analysis);
        return analysis.totals();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.memflux.e2e.StackSources#both")
    void accentsCjkAndEmojiInFunctionAndFileNames(String python, String source) throws Exception {
        Aggregator a = capture(python, source, Memflux.program("unicode_names.py"));
        Path names = Memflux.program("unicode_names");
        String[][] cases = {{"été", "café", "3"}, {"夏", "分配", "5"}, {"😀", "𠮷野家", "7"}};
        for (String[] c : cases) {
            Path file = names.resolve(c[0]).resolve("café.py");
            long n = Long.parseLong(c[2]);
            assertEquals(new Programs.Site(n, 0, n * 10_007, n * 10_007),
                    Programs.site(a, c[1], file.toString(), Programs.lineOf(file, "alloc")), c[1]);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.memflux.e2e.StackSources#both")
    void aProgramsOwnRunpyIsNotHidden(String python, String source) throws Exception {
        Path program = Memflux.program("own_runpy.py");
        Aggregator a = capture(python, source, program);
        Path runpy = Memflux.program("own_runpy").resolve("runpy.py");
        assertEquals(new Programs.Site(13, 0, 13L * 20_011, 13L * 20_011),
                Programs.site(a, "grab", runpy.toString(), Programs.lineOf(runpy, "grab")));
    }
}
