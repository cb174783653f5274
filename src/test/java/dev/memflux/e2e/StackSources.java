package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memflux.format.RecordTag;
import dev.memflux.pipeline.StackTable;
import dev.memflux.report.FileAnalysis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Captures a program with a chosen Python stack source ("walk": the frame walk, the
 * default on CPython 3.11, 3.12 and 3.13; "profile": MEMFLUX_STACK_SOURCE=profile) and
 * reads stacks back.
 */
final class StackSources {
    private StackSources() {}

    /** The CPython versions whose frames the agent walks. */
    static final Set<String> WALKING = Set.of("3.11", "3.12", "3.13");

    /**
     * (interpreter, source) for both sources on every interpreter of {@link Interpreters#all()}
     * (3.11 on this machine kind) and on pyenv's 3.12 and 3.13 where installed: each layout
     * the frame walk knows, beside the profile function on the same interpreter.
     */
    static Stream<Arguments> both() {
        return walking().flatMap(python -> Stream.of("walk", "profile").map(s -> Arguments.of(python, s)));
    }

    /**
     * Both sources on the interpreters of {@link Interpreters#all()} only, for tests whose
     * other versions PythonVersionsTest covers (following forks).
     */
    static Stream<Arguments> bothOnDefaultPythons() {
        return Interpreters.all().flatMap(python -> Stream.of("walk", "profile").map(s -> Arguments.of(python, s)));
    }

    /** Every interpreter of {@link Interpreters#all()} and pyenv's 3.12 and 3.13 where installed. */
    static Stream<String> walking() {
        Stream<String> newer = Stream.of("3.12", "3.13").flatMap(v -> Pyenv.python(v).stream()).map(Path::toString);
        return Stream.concat(Interpreters.all(), newer).distinct();
    }

    /** Runs the program under memflux; returns the capture file. */
    static Path capture(Path dir, String python, String source, Path program, String... args) throws Exception {
        Path out = dir.resolve(source + ".bin");
        List<String> command = new ArrayList<>(List.of("run", "-q", "-f", "--python", python, "-o", out.toString(),
                program.toString()));
        command.addAll(List.of(args));
        Memflux.Result r = Memflux.runWith(dir, null, source.equals("profile")
                ? Map.of("MEMFLUX_STACK_SOURCE", "profile") : Map.of(), command.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        return out;
    }

    /** Runs the program under memflux with the given source; returns the capture, checked to be that source's. */
    static FileAnalysis analysis(Path dir, String python, String source, Path program, String... args) throws Exception {
        FileAnalysis analysis = FileAnalysis.of(capture(dir, python, source, program, args));
        assertSource(source, analysis);
        return analysis;
    }

    /** The stack of a node as "function:line", innermost first. */
    static List<String> stack(StackTable stacks, int node) {
        List<String> stack = new ArrayList<>();
        for (int at = node; at > 0; at = stacks.parent(at)) {
            stack.add(stacks.function(stacks.frame(at)) + ":" + stacks.line(at));
        }
        return stack;
    }

    /** The header says which source made the capture. */
    static void assertSource(String source, FileAnalysis analysis) {
        assertEquals(source.equals("walk"), analysis.header().has(RecordTag.FLAG_FRAME_WALK), "stack source");
    }
}
