package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.format.CaptureFileFormat;
import dev.memflux.format.CaptureHeader;
import dev.memflux.format.FileHeader;
import dev.memflux.format.ProgramEnd;
import dev.memflux.format.RecordTag;
import dev.memflux.report.FileAnalysis;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code run --aggregate} and {@code transform aggregate}: figures per stack instead of
 * events, read back by the same engine into the same numbers.
 */
class AggregateTest {
    /** Same allocations in two runs of one program: Python's hashing must not differ between them. */
    private static final Map<String, String> SAME_HASHES = Map.of("PYTHONHASHSEED", "0");
    /** What differs between two runs of one program (when, which pid) and what says which kind of file it is. */
    private static final String RUN_AND_KIND_KEYS = "start_time|end_time|peak_memory_time_ms|pid|aggregated|program_end";
    /** What says which kind of file it is. */
    private static final String KIND_KEYS = "aggregated|program_end";

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void statsAndSummaryOfAnAggregatedRunEqualTheFullCaptures(String python) throws Exception {
        Path program = Memflux.program("peak_then_smaller.py");
        run(python, "full.bin", program);
        Memflux.Result r = run(python, "agg.bin", program, "--aggregate");
        assertEquals("", r.stderr(), "-q: nothing said");

        FileAnalysis aggregated = FileAnalysis.of(dir.resolve("agg.bin"));
        assertTrue(aggregated.aggregated());
        assertEquals(new ProgramEnd(ProgramEnd.Kind.EXITED, 0), aggregated.programEnd());
        assertFalse(aggregated.cutShort());
        long big = 100L * 1_000_001;
        long small = 30L * 1_000_001;
        long peak = aggregated.totals().peakBytes();
        assertTrue(peak >= big && peak <= big * 1.01, "peak " + peak);
        long atBig = Programs.bytesAt(aggregated.totals(), aggregated.totals().peakBytesByNode(), "<listcomp>",
                program.toString(), Programs.lineOf(program, "big"));
        assertTrue(atBig >= big && atBig <= big + 1024, "bytes at the peak at site big: " + atBig);
        Programs.Site kept = Programs.site(aggregated.totals(), "<listcomp>", program.toString(),
                Programs.lineOf(program, "small"));
        assertEquals(small, kept.liveAtEnd());
        assertEquals(30, kept.allocations());

        assertEquals(statsJson("full.bin", RUN_AND_KIND_KEYS), statsJson("agg.bin", RUN_AND_KIND_KEYS));
        assertEquals(summaryRows("full.bin"), summaryRows("agg.bin"));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void transformAggregateOfAFullCaptureAnswersEveryFigureAsTheFullCapture(String python) throws Exception {
        Path program = Memflux.program("peak_then_smaller.py");
        run(python, "full.bin", program, "--native");
        Memflux.Result t = Memflux.run(dir, "transform", "aggregate", "full.bin", "-o", "small.bin");
        assertEquals(0, t.exitCode(), t.toString());
        assertTrue(t.stderr().startsWith("memflux: wrote small.bin (aggregated, "), t.stderr());

        FileAnalysis full = FileAnalysis.of(dir.resolve("full.bin"));
        FileAnalysis small = FileAnalysis.of(dir.resolve("small.bin"));
        assertTrue(small.aggregated());
        assertFalse(full.aggregated());
        StringWriter said = new StringWriter();
        assertFalse(full.refuseAggregated("temporary allocations", new PrintWriter(said)));
        assertTrue(small.refuseAggregated("temporary allocations", new PrintWriter(said)));
        assertEquals("memflux: " + dir.resolve("small.bin") + " is an aggregated capture: temporary allocations need "
                + "every event; run without --aggregate (stats, summary, flamegraph, tree, table, check work on it)\n",
                said.toString());
        assertEquals(ProgramEnd.Kind.TRACKING_STOPPED, small.programEnd().kind());
        // Every report of temporaries says the same line and fails; its figures of leaks work.
        for (String[] report : new String[][] {{"summary", "--temporary-allocations"}, {"tree", "--temporary-allocations"},
                {"transform", "csv", "--temporary-allocation-threshold", "3", "-o", "t.csv"}}) {
            String[] args = java.util.Arrays.copyOf(report, report.length + 1);
            args[report.length] = "small.bin";
            Memflux.Result refused = Memflux.run(dir, args);
            assertEquals(1, refused.exitCode(), refused.toString());
            assertTrue(refused.stderr().matches("memflux: \\S*small.bin is an aggregated capture: temporary allocations "
                    + "need every event; run without --aggregate \\(.*\\)\n"), refused.stderr());
        }
        assertEquals(Memflux.run(dir, "summary", "--leaks", "full.bin").stdout().replace("full.bin", "FILE"),
                Memflux.run(dir, "summary", "--leaks", "small.bin").stdout().replace("small.bin", "FILE"));
        SameFigures.assertSame(full.totals(), small.totals());
        // One run, so even its times match: only the kind of file differs.
        assertEquals(statsJson("full.bin", KIND_KEYS), statsJson("small.bin", KIND_KEYS));
        assertEquals(Memflux.run(dir, "summary", "full.bin").stdout().replace("full.bin", "FILE"),
                Memflux.run(dir, "summary", "small.bin").stdout().replace("small.bin", "FILE"));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void withNativeStacksTransformAggregateEqualsWhatRunAggregateWrote(String python) throws Exception {
        Path program = Memflux.program("peak_then_smaller.py");
        run(python, "full.bin", program, "--native");
        run(python, "agg.bin", program, "--native", "--aggregate");
        Memflux.Result t = Memflux.run(dir, "transform", "aggregate", "full.bin");
        assertEquals(0, t.exitCode(), t.toString());
        assertTrue(Files.exists(dir.resolve("full.aggregated.bin")), t.toString());
        String aggregated = statsJson("agg.bin", RUN_AND_KIND_KEYS);
        assertTrue(aggregated.contains("\"native\": true"), "native frames in the aggregated file's stacks");
        assertEquals(aggregated, statsJson("full.aggregated.bin", RUN_AND_KIND_KEYS));
        assertEquals(summaryRows("agg.bin"), summaryRows("full.aggregated.bin"));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void theAggregatedFileOfAnAllocationLoopIsAtLeastFiftyTimesSmaller(String python) throws Exception {
        Path program = Memflux.program("allocation_loop.py");
        run(python, "full.bin", program);
        run(python, "agg.bin", program, "--aggregate");
        long fullSize = Files.size(dir.resolve("full.bin"));
        long aggregatedSize = Files.size(dir.resolve("agg.bin"));
        assertTrue(aggregatedSize * 50 <= fullSize, "full " + fullSize + " B, aggregated " + aggregatedSize + " B");
        Programs.Site loop = Programs.site(FileAnalysis.of(dir.resolve("agg.bin")).totals(), "loop", program.toString(),
                Programs.lineOf(program, "loop"));
        assertEquals(300_000, loop.allocations());
        assertEquals(300_000, loop.frees());
        long bytes = 0;
        for (int i = 0; i < 300_000; i++) {
            bytes += 1000 + i % 4093 + 1;
        }
        assertEquals(bytes, loop.bytes());
        assertEquals(0, loop.liveAtEnd());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void aProgramThatKillsItselfLeavesAnAggregatedFileThatShowsItsAllocationsAndNamesItsDeath(String python)
            throws Exception {
        Path program = Memflux.program("killed.py");
        Memflux.Result r = Memflux.run(dir, "run", "--aggregate", "--python", python, "-o", "killed.bin",
                program.toString());
        assertEquals(128 + 9, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("how the program ended: killed by signal 9 (SIGKILL"), r.stderr());
        FileAnalysis a = FileAnalysis.of(dir.resolve("killed.bin"));
        assertEquals(new ProgramEnd(ProgramEnd.Kind.KILLED, 9), a.programEnd());
        assertTrue(a.cutShort());
        Programs.Site site = Programs.site(a.totals(), "<listcomp>", program.toString(),
                Programs.lineOf(program, "before-kill"));
        assertEquals(50, site.allocations());
        assertEquals(50L * 100_001, site.liveAtEnd());

        Memflux.Result stats = Memflux.run(dir, "stats", "killed.bin");
        assertEquals(0, stats.exitCode(), stats.toString());
        assertTrue(stats.stdout().contains("the program ended: killed by signal 9 (SIGKILL"), stats.stdout());
        assertTrue(stats.stdout().contains("cut short"), stats.stdout());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void theAggregatedFileIsValidWhileTheProgramRuns(String python) throws Exception {
        Path out = dir.resolve("running.bin");
        Process memflux = startIdleProgram(python, out);
        try {
            expectTheBufferWhileRunning(out);
            try (OutputStream stdin = memflux.getOutputStream()) {
                stdin.write("go\n".getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(memflux.waitFor(60, TimeUnit.SECONDS), "memflux did not end after the program was told to");
            assertEquals(0, memflux.exitValue(), Files.readString(dir.resolve("stderr.txt")));
        } finally {
            memflux.destroyForcibly();
        }
        FileAnalysis done = FileAnalysis.of(out);
        assertEquals(new ProgramEnd(ProgramEnd.Kind.EXITED, 0), done.programEnd());
        assertFalse(done.cutShort());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(),
                    "temporary files left behind");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void killingMemfluxLeavesTheLastRewriteWhole(String python) throws Exception {
        Path out = dir.resolve("running.bin");
        Process memflux = startIdleProgram(python, out);
        try {
            Await.until("the aggregated file is first written", Duration.ofSeconds(60), () -> Files.exists(out));
            memflux.destroyForcibly(); // SIGKILL: no finish, no final write
            assertTrue(memflux.waitFor(30, TimeUnit.SECONDS), "memflux survived SIGKILL");
            expectTheBufferWhileRunning(out);
        } finally {
            // The program runs on untracked, reading memflux's stdin, which this test holds.
            try (OutputStream stdin = memflux.getOutputStream()) {
                stdin.write("go\n".getBytes(StandardCharsets.UTF_8));
            }
            memflux.destroyForcibly();
        }
    }

    /** idle_after_alloc.py under {@code run --aggregate}: it holds a buffer, then idles until a line on stdin. */
    private Process startIdleProgram(String python, Path out) throws Exception {
        return Memflux.process(dir, Memflux.command(List.of(), List.of(), "run", "-q", "--aggregate",
                "--python", python, "-o", out.toString(), Memflux.program("idle_after_alloc.py").toString()))
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
    }

    /** The file a running idle_after_alloc.py left: written at its pause, it shows the buffer and says it ran on. */
    private static void expectTheBufferWhileRunning(Path out) throws Exception {
        Await.until("the aggregated file is first written", Duration.ofSeconds(60), () -> Files.exists(out));
        FileAnalysis running = FileAnalysis.of(out);
        assertEquals(ProgramEnd.Kind.RUNNING, running.programEnd().kind());
        assertTrue(running.cutShort());
        assertTrue(running.cutShortReason().contains("still running"), running.cutShortReason());
        Path program = Memflux.program("idle_after_alloc.py");
        Programs.Site buffer = Programs.site(running.totals(), "<module>", program.toString(),
                Programs.lineOf(program, "buffer"));
        assertEquals(1, buffer.allocations());
        assertTrue(buffer.liveAtEnd() >= 3_000_000, "live " + buffer.liveAtEnd());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void withFollowForkEachChildsFileIsAggregatedToo(String python) throws Exception {
        Path program = Memflux.program("follow_forks.py");
        Memflux.Result r = Memflux.run(dir, "run", "-q", "--aggregate", "--follow-fork", "--python", python,
                "-o", "fork.bin", program.toString());
        assertEquals(0, r.exitCode(), r.toString());
        long child = FollowForkTest.number(r.stdout(), "child=(\\d+) status=4");
        long grandchild = FollowForkTest.number(r.stdout(), "grandchild=(\\d+) status=5");
        for (String file : List.of("fork.bin", "fork.bin." + child, "fork.bin." + grandchild)) {
            assertTrue(FileAnalysis.of(dir.resolve(file)).aggregated(), file);
        }
        FollowForkTest.expectOnly(dir.resolve("fork.bin"), program, "parent", 3_000_017);
        FollowForkTest.expectOnly(dir.resolve("fork.bin." + child), program, "child", 5_000_011);
        FollowForkTest.expectOnly(dir.resolve("fork.bin." + grandchild), program, "grandchild", 7_000_003);
    }

    @Test
    void badInputIsOneLineAndAnExitCode() throws Exception {
        Memflux.Result missing = Memflux.run(dir, "transform", "aggregate", "missing.bin", "-o", "out.bin");
        assertEquals(1, missing.exitCode(), missing.toString());
        assertEquals("memflux: no such file: missing.bin\n", missing.stderr());

        Files.write(dir.resolve("garbage.bin"), "not a capture at all".getBytes(StandardCharsets.UTF_8));
        Memflux.Result corrupt = Memflux.run(dir, "transform", "aggregate", "garbage.bin", "-o", "out.bin");
        assertEquals(1, corrupt.exitCode(), corrupt.toString());
        assertEquals("memflux: garbage.bin: not a memflux capture file (bad magic)\n", corrupt.stderr());
        assertFalse(Files.exists(dir.resolve("out.bin")));

        Memflux.Result unknown = Memflux.run(dir, "transform", "flamegraph-of-doom", "garbage.bin");
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.stderr().startsWith("memflux: format not supported: 'flamegraph-of-doom' (csv, gprof2dot, "
                + "pprof, speedscope or aggregate)\n"), unknown.stderr());

        Memflux.Result exists = Memflux.run(dir, "transform", "aggregate", "garbage.bin", "-o", "garbage.bin");
        assertEquals(1, exists.exitCode(), exists.toString());
        assertEquals("memflux: output file garbage.bin already exists (use -f to overwrite it)\n", exists.stderr());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void aDamagedAggregatedFileIsRefusedInOneLine(String python) throws Exception {
        run(python, "agg.bin", Memflux.program("peak_then_smaller.py"), "--aggregate");
        byte[] bytes = Files.readAllBytes(dir.resolve("agg.bin"));
        bytes[bytes.length - 3] ^= 0x55; // inside the last block's compressed records
        Files.write(dir.resolve("damaged.bin"), bytes);
        for (String command : new String[] {"stats", "summary"}) {
            Memflux.Result r = Memflux.run(dir, command, "damaged.bin");
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.stderr().startsWith("memflux: damaged.bin: ") && r.stderr().lines().count() == 1, r.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void aFullCaptureMarkedAggregatedIsRefusedInOneLine(String python) throws Exception {
        run(python, "full.bin", Memflux.program("peak_then_smaller.py"));
        byte[] bytes = Files.readAllBytes(dir.resolve("full.bin"));
        FileHeader header;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            header = CaptureFileFormat.readFileHeader(in);
        }
        CaptureHeader marked = header.capture().withFlags(header.capture().flags() | RecordTag.FLAG_AGGREGATED);
        byte[] head = CaptureFileFormat.encodeHeader(marked);
        assertEquals(header.length(), head.length);
        System.arraycopy(head, 0, bytes, 0, head.length);
        Files.write(dir.resolve("marked.bin"), bytes);
        Memflux.Result r = Memflux.run(dir, "stats", "marked.bin");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("memflux: marked.bin: an aggregated capture without its RUN_TOTALS record\n", r.stderr());
    }

    private Memflux.Result run(String python, String out, Path program, String... options) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("run", "-q", "--python", python, "-o", out));
        args.addAll(List.of(options));
        args.add(program.toString());
        Memflux.Result r = Memflux.runWith(dir, null, SAME_HASHES, args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        return r;
    }

    /** The whole {@code stats --json} of {@code file}, less the metadata keys {@code keys} (a regex alternation). */
    private String statsJson(String file, String keys) throws Exception {
        Memflux.Result r = Memflux.run(dir, "stats", "--json", file);
        assertEquals(0, r.exitCode(), r.toString());
        MiniJson.parse(r.stdout());
        return r.stdout().replaceAll("(?m)^\\s*\"(" + keys + ")\": .*$\\n", "").replace(",\n  }", "\n  }");
    }

    /** The summary's rows: its first line names the file and the time of the peak. */
    private String summaryRows(String file) throws Exception {
        Memflux.Result r = Memflux.run(dir, "summary", file);
        assertEquals(0, r.exitCode(), r.toString());
        return r.stdout().substring(r.stdout().indexOf('\n') + 1);
    }
}
