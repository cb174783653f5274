package dev.memflux.e2e;

import static dev.memflux.format.AllocatorKind.ALIGNED_ALLOC;
import static dev.memflux.format.AllocatorKind.CALLOC;
import static dev.memflux.format.AllocatorKind.MALLOC;
import static dev.memflux.format.AllocatorKind.MEMALIGN;
import static dev.memflux.format.AllocatorKind.MMAP;
import static dev.memflux.format.AllocatorKind.POSIX_MEMALIGN;
import static dev.memflux.format.AllocatorKind.PVALLOC;
import static dev.memflux.format.AllocatorKind.REALLOC;
import static dev.memflux.format.AllocatorKind.VALLOC;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memflux.format.AllocatorKind;
import dev.memflux.format.RecordTag;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.sinks.FileSource;
import dev.memflux.report.FileAnalysis;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One test per interposed allocator function, driven from Python through ctypes on libc
 * (programs/allocators.py): every marked line allocates exactly what its comment says,
 * and the whole program's allocator distribution ({@code stats --json}) is exactly the
 * program's baseline (case "none") plus the case's allocations — less pymalloc's arenas,
 * whose number varies from run to run with where the kernel places them (an arena that is
 * not pool-aligned holds one pool less), so they are counted and taken out of both.
 */
class AllocatorFunctionsTest {
    private static final Path PROGRAM = Memflux.program("allocators.py");
    private static final Map<String, Map<String, Long>> BASELINE = new ConcurrentHashMap<>();

    @TempDir
    Path dir;

    private record Capture(Path file, Aggregator totals, Map<String, Long> distribution) {
        SiteKinds at(String site) throws Exception {
            return SiteKinds.of(file, totals, PROGRAM, Programs.lineOf(PROGRAM, site));
        }
    }

    private Capture capture(String python, String testCase) throws Exception {
        Path out = dir.resolve(testCase + ".bin");
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--python", python, "-o", out.toString(), PROGRAM.toString(),
                testCase);
        assertEquals(0, r.exitCode(), r.toString());
        Memflux.Result stats = Memflux.run(dir, "stats", "--json", out.toString());
        assertEquals(0, stats.exitCode(), stats.toString());
        Map<String, Object> json = MiniJson.object(MiniJson.parse(stats.stdout()));
        Map<String, Long> distribution = new java.util.TreeMap<>();
        MiniJson.object(json.get("allocator_type_distribution")).forEach((k, v) -> distribution.put(k, (Long) v));
        long arenas = pymallocArenas(out);
        if (arenas > 0 && distribution.merge(MMAP.name(), -arenas, Long::sum) == 0) {
            distribution.remove(MMAP.name());
        }
        return new Capture(out, FileAnalysis.of(out).totals(), distribution);
    }

    /** MMAP allocations of pymalloc's arena size (1 MiB since 3.10, 256 KiB before). */
    private static long pymallocArenas(Path capture) throws Exception {
        long[] arenas = {0};
        try (FileSource source = FileSource.open(capture)) {
            source.batches().doOnNext(b -> {
                for (int i = 0; i < b.count; i++) {
                    if (RecordTag.isAlloc(b.tag(i)) && b.allocKind(i) == MMAP.ordinal()
                            && (b.allocSize(i) == 1 << 20 || b.allocSize(i) == 256 << 10)) {
                        arenas[0]++;
                    }
                }
            }).blockLast();
        }
        return arenas[0];
    }

    /** Checks the whole program's distribution: the baseline's, plus {@code added}. */
    private void assertDistribution(String python, Capture capture, Map<AllocatorKind, Long> added) throws Exception {
        Map<String, Long> baseline = BASELINE.get(python);
        if (baseline == null) {
            baseline = capture(python, "none").distribution();
            BASELINE.put(python, baseline);
        }
        Map<String, Long> expected = new java.util.TreeMap<>(baseline);
        added.forEach((kind, n) -> expected.merge(kind.name(), n, Long::sum));
        assertEquals(expected, capture.distribution());
    }

    private static Map<AllocatorKind, Long> kinds(Object... kindThenCount) {
        Map<AllocatorKind, Long> m = new EnumMap<>(AllocatorKind.class);
        for (int i = 0; i < kindThenCount.length; i += 2) {
            m.put((AllocatorKind) kindThenCount[i], ((Number) kindThenCount[i + 1]).longValue());
        }
        return m;
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void malloc(String python) throws Exception {
        Capture c = capture(python, "malloc");
        assertEquals(SiteKinds.only(MALLOC, 7, 1009, 7, 0), c.at("malloc"));
        assertEquals(SiteKinds.nothing(0), c.at("malloc-free"));
        assertDistribution(python, c, kinds(MALLOC, 7));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void calloc(String python) throws Exception {
        Capture c = capture(python, "calloc");
        assertEquals(SiteKinds.only(CALLOC, 5, 993, 0, 5 * 993), c.at("calloc"));
        assertDistribution(python, c, kinds(CALLOC, 5));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void reallocThatMoves(String python) throws Exception {
        Capture c = capture(python, "realloc-moved");
        assertEquals(SiteKinds.only(MALLOC, 1, 13, 1, 0), c.at("realloc-moved-from"));
        assertEquals(SiteKinds.only(REALLOC, 1, 1048583, 0, 1048583), c.at("realloc-moved"));
        assertDistribution(python, c, kinds(MALLOC, 1, REALLOC, 1));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void reallocInPlace(String python) throws Exception {
        Capture c = capture(python, "realloc-inplace");
        assertEquals(SiteKinds.only(MALLOC, 1, 4099, 1, 0), c.at("realloc-inplace-from"));
        assertEquals(SiteKinds.only(REALLOC, 1, 4001, 0, 4001), c.at("realloc-inplace"));
        assertDistribution(python, c, kinds(MALLOC, 1, REALLOC, 1));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void reallocToZeroFrees(String python) throws Exception {
        Capture c = capture(python, "realloc-zero");
        assertEquals(SiteKinds.only(MALLOC, 1, 521, 1, 0), c.at("realloc-zero-from"));
        assertEquals(SiteKinds.nothing(0), c.at("realloc-zero"));
        assertDistribution(python, c, kinds(MALLOC, 1));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void reallocOfNullAllocates(String python) throws Exception {
        Capture c = capture(python, "realloc-null");
        assertEquals(SiteKinds.only(REALLOC, 3, 2003, 0, 3 * 2003), c.at("realloc-null"));
        assertDistribution(python, c, kinds(REALLOC, 3));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void posixMemalign(String python) throws Exception {
        Capture c = capture(python, "posix_memalign");
        assertEquals(SiteKinds.only(POSIX_MEMALIGN, 3, 1031, 0, 3 * 1031), c.at("posix_memalign"));
        assertDistribution(python, c, kinds(POSIX_MEMALIGN, 3));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void alignedAlloc(String python) throws Exception {
        Capture c = capture(python, "aligned_alloc");
        assertEquals(SiteKinds.only(ALIGNED_ALLOC, 2, 1283, 0, 2 * 1283), c.at("aligned_alloc"));
        assertDistribution(python, c, kinds(ALIGNED_ALLOC, 2));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void memalign(String python) throws Exception {
        Capture c = capture(python, "memalign");
        assertEquals(SiteKinds.only(MEMALIGN, 4, 1291, 0, 4 * 1291), c.at("memalign"));
        assertDistribution(python, c, kinds(MEMALIGN, 4));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void valloc(String python) throws Exception {
        Capture c = capture(python, "valloc");
        assertEquals(SiteKinds.only(VALLOC, 2, 2039, 0, 2 * 2039), c.at("valloc"));
        assertDistribution(python, c, kinds(VALLOC, 2));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void pvalloc(String python) throws Exception {
        Capture c = capture(python, "pvalloc");
        assertEquals(SiteKinds.only(PVALLOC, 3, 3067, 0, 3 * 3067), c.at("pvalloc"));
        assertDistribution(python, c, kinds(PVALLOC, 3));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void mmapAndPartialMunmaps(String python) throws Exception {
        Capture c = capture(python, "mmap");
        // munmap(p, 1) unmaps p's whole page: the agent says so.
        assertEquals(SiteKinds.only(MMAP, 2, 40961, 1, 40961 - 8192 - 4096), c.at("mmap"));
        assertDistribution(python, c, kinds(MMAP, 2));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void mremapFixedMovesOntoAnotherMapping(String python) throws Exception {
        Capture c = capture(python, "mremap-fixed");
        assertEquals(SiteKinds.only(MMAP, 1, 65537, 1, 0), c.at("mremap-fixed-from"));
        assertEquals(SiteKinds.only(MMAP, 1, 16411, 1, 0), c.at("mremap-fixed-to"));
        assertEquals(SiteKinds.only(MMAP, 1, 81929, 0, 81929), c.at("mremap-fixed"));
        assertDistribution(python, c, kinds(MMAP, 4));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void aFailedMremapRecordsNothing(String python) throws Exception {
        Capture c = capture(python, "mremap-failed");
        assertEquals(SiteKinds.only(MMAP, 1, 8209, 0, 8209), c.at("mremap-failed-from"));
        assertEquals(SiteKinds.nothing(0), c.at("mremap-failed"));
        assertDistribution(python, c, kinds(MMAP, 3));
    }
}
