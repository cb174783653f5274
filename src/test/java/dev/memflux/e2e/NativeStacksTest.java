package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.report.FileAnalysis;
import dev.memflux.report.HybridStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** memflux run --native: C stacks with inlined frames, merged with Python's, named in the file. */
class NativeStacksTest {
    private static final Path LEAF_C = NativeLibrary.LEAF_C;

    @TempDir
    Path dir;

    private Path buildLibrary() throws Exception {
        return NativeLibrary.build(dir);
    }

    private Path capture(Map<String, String> env, String python, String program, String... args) throws Exception {
        Path out = dir.resolve(program + ".bin");
        String[] command = new String[8 + args.length];
        System.arraycopy(new String[] {"run", "--native", "-q", "-f", "--python", python, "-o", out.toString()}, 0,
                command, 0, 8);
        System.arraycopy(args, 0, command, 8, args.length);
        command[8] = Memflux.program(program).toString();
        Memflux.Result r = Memflux.runWith(dir, null, env, command);
        assertEquals(0, r.exitCode(), r.toString());
        return out;
    }

    /** Allocations whose native stack begins with {@code innermost}, as "function file:line" (":line" left off when 0). */
    private static long[] countUnder(Aggregator a, List<String> innermost) {
        long count = 0;
        long bytes = 0;
        for (int nn = 1; nn < a.stacks().nativeNodeCount(); nn++) {
            List<HybridStack.Frame> frames = HybridStack.nativeOnly(a.stacks(), nn);
            if (a.nativeAllocations(nn) > 0 && frames.size() >= innermost.size()
                    && frames.subList(0, innermost.size()).stream().map(NativeStacksTest::describe).toList().equals(innermost)) {
                count += a.nativeAllocations(nn);
                bytes += a.nativeBytes(nn);
            }
        }
        return new long[] {count, bytes};
    }

    private static String describe(HybridStack.Frame f) {
        return f.function() + " " + Path.of(f.file()).getFileName() + (f.line() > 0 ? ":" + f.line() : "")
                + (f.inlined() ? " inlined" : "");
    }

    private static int cLine(String site) throws Exception {
        return NativeLibrary.line(site);
    }

    /**
     * The entry of {@code top_allocations_by_size} at {@code location}: not simply the first,
     * since a pymalloc arena (1 MiB, mapped or not by {@code import ctypes} depending on where
     * the kernel put the arenas before) may outrank the library's 37 blocks.
     */
    private static Map<String, Object> topBySize(String statsJson, String location) {
        Map<String, Object> json = MiniJson.object(MiniJson.parse(statsJson));
        return MiniJson.array(json.get("top_allocations_by_size")).stream().map(MiniJson::object)
                .filter(e -> location.equals(e.get("location"))).findFirst()
                .orElseThrow(() -> new AssertionError("no top entry at " + location + " in " + statsJson));
    }

    @Test
    void leafAllocIsCountedUnderMidAllocAndThePythonLineWithItsInlinedHelper() throws Exception {
        Path lib = buildLibrary();
        Path file = capture(Map.of(), "python3", "native_ctypes.py", "-", lib.toString());
        Aggregator a = FileAnalysis.of(file).totals();
        List<String> expected = List.of("grab leaf.c:" + cLine("malloc") + " inlined", "leaf_alloc leaf.c:" + cLine("grab"),
                "mid_alloc leaf.c:" + cLine("leaf"));
        assertEquals(37, countUnder(a, expected)[0]);
        assertEquals(37L * 4321, countUnder(a, expected)[1]);

        // The same stack as stats --json shows it: C frames, then the Python line that called.
        Memflux.Result stats = Memflux.run(dir, "stats", "--json", "-n", "10", file.toString());
        assertEquals(0, stats.exitCode(), stats.toString());
        int pythonLine = Programs.lineOf(Memflux.program("native_ctypes.py"), "call");
        String location = "<module>:" + Memflux.program("native_ctypes.py") + ":" + pythonLine;
        Map<String, Object> top = topBySize(stats.stdout(), location);
        assertTrue((Long) top.get("size") >= 37L * 4321, top.toString());
        List<Object> stack = MiniJson.array(top.get("stack"));
        Map<String, Object> first = MiniJson.object(stack.get(0));
        assertEquals("grab", first.get("function"));
        assertEquals(true, first.get("native"));
        assertEquals(true, first.get("inlined"));
        assertEquals("leaf_alloc", MiniJson.object(stack.get(1)).get("function"));
        assertEquals("mid_alloc", MiniJson.object(stack.get(2)).get("function"));
        Map<String, Object> py = stack.stream().map(MiniJson::object).filter(f -> Boolean.FALSE.equals(f.get("native")))
                .findFirst().orElseThrow();
        assertEquals("<module>", py.get("function"));
        assertEquals((long) pythonLine, py.get("line"));
        assertTrue(MiniJson.object(MiniJson.parse(stats.stdout())).get("metadata").toString().contains("has_native_traces=true"));

        // Text reports tell the kinds apart.
        Memflux.Result text = Memflux.run(dir, "stats", "-n", "10", file.toString());
        assertTrue(text.stdout().contains("[native] leaf_alloc (" + LEAF_C + ":" + cLine("grab") + ")"), text.stdout());
        assertTrue(text.stdout().contains("[python] <module> ("), text.stdout());

        // Symbols live in the file: the report is the same once the library is gone.
        Files.delete(lib);
        Memflux.Result after = Memflux.run(dir, "stats", "--json", "-n", "10", file.toString());
        assertEquals(stack, MiniJson.array(topBySize(after.stdout(), location).get("stack")));
    }

    @Test
    void withoutLibdwTheElfSymbolTablesStillNameTheFunctionsAndSaySo() throws Exception {
        Path lib = buildLibrary();
        Path out = dir.resolve("elf.bin");
        Memflux.Result r = Memflux.runWith(dir, null, Map.of("MEMFLUX_NO_LIBDW", "true"), "run", "--native", "-f",
                "-o", out.toString(), Memflux.program("native_ctypes.py").toString(), lib.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(1, r.stderr().lines().filter(l -> l.contains("libdw disabled")).count(), r.stderr());
        assertTrue(r.stderr().contains("with ELF symbol tables"), r.stderr());
        Aggregator a = FileAnalysis.of(out).totals();
        assertEquals(37, countUnder(a, List.of("leaf_alloc libleaf.so", "mid_alloc libleaf.so"))[0]);
    }

    @Test
    void pythonOnlyNumbersAreTheSameWithNative() throws Exception {
        Path program = Memflux.program("exact_count.py");
        Path file = capture(Map.of(), "python3", "exact_count.py", "-", "777");
        Programs.Site site = Programs.site(FileAnalysis.of(file).totals(), "make", program.toString(),
                Programs.lineOf(program, "make"));
        assertEquals(new Programs.Site(777, 777, 777L * 10001, 0), site);
    }

    @Test
    void numpyTemporariesShowNumpysNativeFramesInsideThePythonLine() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "Debian's python3 is not installed");
        Process probe = new ProcessBuilder("/usr/bin/python3", "-c", "import numpy").start();
        assumeTrue(probe.waitFor() == 0, "python3-numpy is not installed");
        Path program = Memflux.program("numpy_temporaries.py");
        Path file = capture(Map.of(), "/usr/bin/python3", "numpy_temporaries.py", "-");
        FileAnalysis analysis = FileAnalysis.of(file);
        Aggregator a = analysis.totals();
        int line = Programs.lineOf(program, "expression");
        boolean found = false;
        for (int node = 1; node < a.stacks().nodeCount(); node++) {
            if (a.stacks().line(node) != line || a.nodeBytes(node) < 8_000_000) {
                continue;
            }
            List<HybridStack.Frame> stack = HybridStack.of(a.stacks(), node, a.nodeNative(node));
            int python = stack.indexOf(stack.stream().filter(f -> !f.nativeFrame()).findFirst().orElseThrow());
            assertEquals(line, stack.get(python).line());
            // Inside the Python line: numpy's C code (named when numpy's symbols are at hand;
            // Debian strips them, so there it is numpy's module and an offset).
            found |= stack.subList(0, python).stream().anyMatch(f -> f.nativeFrame()
                    && f.file().contains("_multiarray_umath"));
        }
        assertTrue(found, "no numpy frame under " + program + ":" + line);
    }
}
