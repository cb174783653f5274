package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.report.FileAnalysis;
import dev.memflux.report.NodeFigures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** memflux transform: each format read back, its totals equal to the capture's, its biggest stack at the known line. */
class TransformTest {
    static final Path PROGRAM = TemporariesAndLeaksTest.PROGRAM;

    @TempDir
    Path dir;

    private Path transform(String format, Path capture, String... options) throws Exception {
        String[] args = new String[3 + options.length];
        args[0] = "transform";
        args[1] = format;
        System.arraycopy(options, 0, args, 2, options.length);
        args[args.length - 1] = capture.toString();
        Memflux.Result r = Memflux.run(dir, args);
        assertEquals(0, r.exitCode(), r.toString());
        String wrote = r.stdout().lines().findFirst().orElse("");
        assertTrue(wrote.startsWith("Wrote "), r.toString());
        Path out = Path.of(wrote.substring("Wrote ".length()));
        assertTrue(Files.isRegularFile(out), r.toString());
        return out;
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void csvRowsSumToTheTotals(String python) throws Exception {
        Path file = TemporariesAndLeaksTest.capture(dir, python, PROGRAM);
        Aggregator totals = FileAnalysis.of(file).totals();
        for (String mode : new String[] {"peak", "--leaks"}) {
            Path csv = transform("csv", file, mode.equals("peak") ? new String[] {"-f"} : new String[] {"-f", mode});
            assertEquals("memflux-csv-temporaries_and_leaks.py.csv", csv.getFileName().toString());
            List<String> lines = Files.readAllLines(csv);
            assertEquals("allocator,num_allocations,size,tid,thread_name,stack_trace", lines.get(0));
            NodeFigures expected = mode.equals("peak") ? NodeFigures.peak(totals) : NodeFigures.leaks(totals);
            long size = 0;
            long count = 0;
            String keptRow = null;
            String kept = "keep;" + PROGRAM + ";" + Programs.lineOf(PROGRAM, "kept") + "|";
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",", 6);
                count += Long.parseLong(cells[1]);
                size += Long.parseLong(cells[2]);
                assertEquals("-1", cells[3]);
                assertEquals("merged thread", cells[4]);
                keptRow = cells[5].startsWith(kept) ? line : keptRow;
            }
            assertEquals(expected.totalBytes(), size, mode);
            assertEquals(expected.totalCount(), count, mode);
            assertEquals(mode.equals("peak") ? totals.peakBytes() : totals.heapBytes(), size, mode);
            assertTrue(keptRow != null && keptRow.startsWith("MALLOC,25,5000100,"), keptRow);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void pprofParsesBackWithEachSampleTypesTotal(String python) throws Exception {
        Path file = TemporariesAndLeaksTest.capture(dir, python, PROGRAM);
        Aggregator totals = FileAnalysis.of(file).totals();
        PprofReader profile = PprofReader.read(transform("pprof", file));
        assertEquals(List.of("alloc_objects", "alloc_space", "inuse_objects", "inuse_space"), profile.sampleTypes);
        assertEquals("inuse_space", profile.defaultSampleType);
        assertEquals(totals.allocations(), profile.total("alloc_objects"));
        assertEquals(totals.bytesAllocated(), profile.total("alloc_space"));
        assertEquals(totals.peakBytes(), profile.total("inuse_space"));
        assertEquals(Arrays.stream(totals.peakCountByNode()).sum(), profile.total("inuse_objects"));
        PprofReader.Sample top = profile.samples.stream()
                .max((a, b) -> Long.compare(a.values()[3], b.values()[3])).orElseThrow();
        assertEquals(5_000_100L, top.values()[3]);
        PprofReader.Line leaf = profile.locations.get(top.locations()[0]);
        assertEquals(new PprofReader.Function("keep", PROGRAM.toString()), profile.functions.get(leaf.function()));
        assertEquals(Programs.lineOf(PROGRAM, "kept"), leaf.line());

        // Temporaries: the alloc pair counts them, biggest at the churning line.
        PprofReader temporary = PprofReader.read(transform("pprof", file, "-f", "--temporary-allocations"));
        PprofReader.Sample churn = temporary.samples.stream()
                .max((a, b) -> Long.compare(a.values()[1], b.values()[1])).orElseThrow();
        assertEquals(List.of(400L, 400L * 100_004), List.of(churn.values()[0], churn.values()[1]));
        assertEquals(Programs.lineOf(PROGRAM, "temp"), temporary.locations.get(churn.locations()[0]).line());
        assertEquals(0, temporary.total("inuse_space"));
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void speedscopeAndGprof2dotReadBackWithTheTotals(String python) throws Exception {
        Path file = TemporariesAndLeaksTest.capture(dir, python, PROGRAM);
        long peak = FileAnalysis.of(file).totals().peakBytes();
        int keptLine = Programs.lineOf(PROGRAM, "kept");

        Path speedscope = transform("speedscope", file);
        assertEquals("memflux-speedscope-temporaries_and_leaks.py.speedscope.json", speedscope.getFileName().toString());
        Map<String, Object> json = MiniJson.object(MiniJson.parse(Files.readString(speedscope)));
        assertEquals("https://www.speedscope.app/file-format-schema.json", json.get("$schema"));
        List<Object> frames = MiniJson.array(MiniJson.object(json.get("shared")).get("frames"));
        Map<String, Object> bytes = MiniJson.object(MiniJson.array(json.get("profiles")).get(0));
        assertEquals("sampled", bytes.get("type"));
        assertEquals("bytes", bytes.get("unit"));
        assertEquals(peak, bytes.get("endValue"));
        List<Object> weights = MiniJson.array(bytes.get("weights"));
        assertEquals(peak, weights.stream().mapToLong(w -> (Long) w).sum());
        List<Object> heaviest = MiniJson.array(MiniJson.array(bytes.get("samples")).get(0)); // biggest first
        assertEquals(5_000_100L, weights.get(0));
        Map<String, Object> leaf = MiniJson.object(frames.get((int) (long) (Long) heaviest.get(heaviest.size() - 1)));
        assertEquals(List.of("keep", PROGRAM.toString(), (long) keptLine),
                List.of(leaf.get("name"), leaf.get("file"), leaf.get("line")));

        Path gprof = transform("gprof2dot", file);
        Map<String, Object> graph = MiniJson.object(MiniJson.parse(Files.readString(gprof)));
        assertEquals(0L, graph.get("version"));
        List<Object> events = MiniJson.array(graph.get("events"));
        long cost = 0;
        for (Object e : events) {
            cost += (Long) MiniJson.array(MiniJson.object(e).get("cost")).get(0);
        }
        assertEquals(peak, cost);
        Map<String, Object> first = MiniJson.object(events.get(0));
        Object innermost = MiniJson.array(first.get("callchain")).get(0);
        Map<String, Object> function = MiniJson.object(MiniJson.array(graph.get("functions")).get((int) (long) (Long) innermost));
        assertEquals(List.of("keep", PROGRAM.toString()), List.of(function.get("name"), function.get("module")));
    }
}
