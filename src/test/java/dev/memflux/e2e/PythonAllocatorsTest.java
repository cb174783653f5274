package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.RecordTag;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.report.FileAnalysis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * --trace-python-allocators: small_objects.py makes N small tuples at one line and keeps
 * them, then N more at another and drops each; with the flag every one is an event.
 */
class PythonAllocatorsTest {
    private static final int N = 10_007;

    @TempDir
    Path dir;

    private final Path program = Memflux.program("small_objects.py");

    private Path capture(String name, String python, Map<String, String> env, boolean traced, String... flags)
            throws Exception {
        Path out = dir.resolve(name + ".bin");
        List<String> command = new ArrayList<>(List.of("run", "-q", "-f", "--python", python, "-o", out.toString()));
        if (traced) {
            command.add("--trace-python-allocators");
        }
        command.addAll(List.of(flags));
        command.addAll(List.of(program.toString(), Integer.toString(N)));
        Memflux.Result r = Memflux.runWith(dir, null, env, command.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(N + "\n", r.stdout());
        return out;
    }

    private Map<String, Object> statsJson(Path file) throws Exception {
        Memflux.Result stats = Memflux.run(dir, "stats", "--json", "-n", "3", file.toString());
        assertEquals(0, stats.exitCode(), stats.toString());
        return MiniJson.object(MiniJson.parse(stats.stdout()));
    }

    /** Every small object is its own PYMALLOC event at its line, under either stack source. */
    private void assertTraced(Path file) throws Exception {
        FileAnalysis analysis = FileAnalysis.of(file);
        assertTrue(analysis.header().has(RecordTag.FLAG_PYTHON_ALLOCATORS));
        Aggregator a = analysis.totals();
        Programs.Site made = Programs.site(a, "make", program.toString(), Programs.lineOf(program, "make"));
        assertTrue(made.allocations() >= N, made.toString());
        // Kept until the end: (nearly) all still allocated, each tuple at least 48 bytes.
        assertTrue(made.allocations() - made.frees() >= N, made.toString());
        assertTrue(made.liveAtEnd() >= 48L * N, made.toString());
        Programs.Site churned = Programs.site(a, "churn", program.toString(), Programs.lineOf(program, "churn"));
        assertTrue(churned.allocations() >= N, churned.toString());
        assertTrue(churned.frees() >= N, churned.toString());
        assertTrue(a.allocationsBy(AllocatorKind.PYMALLOC_MALLOC) >= 2L * N);

        Map<String, Object> json = statsJson(file);
        Map<String, Object> kinds = MiniJson.object(json.get("allocator_type_distribution"));
        assertTrue((Long) kinds.get("PYMALLOC_MALLOC") >= 2L * N, kinds.toString());
        assertEquals(true, MiniJson.object(json.get("metadata")).get("trace_python_allocators"));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.StackSources#both")
    void smallObjectsAppearOneByOne(String python, String source) throws Exception {
        Path file = capture(source, python, source.equals("profile")
                ? Map.of("MEMFLUX_STACK_SOURCE", "profile") : Map.of(), true);
        StackSources.assertSource(source, FileAnalysis.of(file));
        assertTraced(file);
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void withoutTheFlagSmallObjectsHideInTheArenas(String python) throws Exception {
        Path file = capture("plain", python, Map.of(), false);
        FileAnalysis analysis = FileAnalysis.of(file);
        assertFalse(analysis.header().has(RecordTag.FLAG_PYTHON_ALLOCATORS));
        Programs.Site made = Programs.site(analysis.totals(), "make", program.toString(), Programs.lineOf(program, "make"));
        assertTrue(made.allocations() < N / 100, made.toString());

        Map<String, Object> json = statsJson(file);
        Map<String, Object> kinds = MiniJson.object(json.get("allocator_type_distribution"));
        assertTrue(kinds.keySet().stream().noneMatch(k -> k.startsWith("PYMALLOC_")), kinds.toString());
        assertEquals(false, MiniJson.object(json.get("metadata")).get("trace_python_allocators"));
    }

    /** PYTHONMALLOC=malloc: the wrapped allocator is malloc, whose own hook must not count twice. */
    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void pythonMallocSettingStillWorks(String python) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("PYTHONMALLOC", "malloc");
        Path file = capture("malloc", python, env, true);
        assertTraced(file);
        Aggregator a = FileAnalysis.of(file).totals();
        Programs.Site made = Programs.site(a, "make", program.toString(), Programs.lineOf(program, "make"));
        long pymalloc = a.allocationsBy(AllocatorKind.PYMALLOC_MALLOC) + a.allocationsBy(AllocatorKind.PYMALLOC_CALLOC)
                + a.allocationsBy(AllocatorKind.PYMALLOC_REALLOC);
        // Each object once: as a PYMALLOC event, not also as the malloc underneath it.
        assertTrue(a.allocationsBy(AllocatorKind.MALLOC) < N / 10, "malloc " + a.allocationsBy(AllocatorKind.MALLOC));
        assertTrue(made.allocations() <= pymalloc, made + " " + pymalloc);
    }

    /** With --native the PYMALLOC kinds travel as ALLOC_NATIVE records (tags 0x39 to 0x3B). */
    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void nativeStacksToo(String python) throws Exception {
        Path file = capture("native", python, Map.of(), true, "--native");
        assertTrue(FileAnalysis.of(file).header().has(RecordTag.FLAG_NATIVE));
        assertTraced(file);
    }
}
