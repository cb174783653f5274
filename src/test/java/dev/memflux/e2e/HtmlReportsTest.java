package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.StackTable;
import dev.memflux.report.FileAnalysis;
import dev.memflux.report.LocationTotals;
import dev.memflux.report.SummaryReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code flamegraph} and {@code table} on peak_then_smaller.py: 100 x 1,000,001 bytes held at
 * "site: big" make the peak, 30 x 1,000,001 at "site: small" are still allocated at the end.
 */
class HtmlReportsTest {
    private static final long BIG = 100L * 1_000_001;
    private static final long SMALL = 30L * 1_000_001;
    private static final Path PROGRAM = Memflux.program("peak_then_smaller.py");

    @TempDir
    Path dir;

    private Path capture(String python) throws Exception {
        return ReportPage.capture(dir, python, PROGRAM);
    }

    private ReportPage report(String... args) throws Exception {
        Memflux.Result r = Memflux.run(dir, args);
        assertEquals(0, r.exitCode(), r.toString());
        Path out = Path.of(args[java.util.Arrays.asList(args).indexOf("-o") + 1]);
        assertTrue(r.stderr().contains("memflux: wrote " + out), r.toString());
        ReportPage page = new ReportPage(out);
        String lower = page.html.toLowerCase(Locale.ROOT);
        assertFalse(lower.contains("http:") || lower.contains("https:"), "the page names the network");
        return page;
    }

    /** The function of the innermost frame at {@code line} of the program (its name varies with Python's version). */
    private static String functionAt(Aggregator a, int line) {
        StackTable stacks = a.stacks();
        String found = null;
        for (int node = 1; node < stacks.nodeCount(); node++) {
            int frame = stacks.frame(node);
            if (stacks.line(node) == line && stacks.file(frame).equals(PROGRAM.toString()) && a.nodeAllocations(node) > 0) {
                found = stacks.function(frame);
            }
        }
        return found;
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void flameGraphHoldsThePeaksFunctionLineAndBytes(String python) throws Exception {
        Path file = capture(python);
        Aggregator a = FileAnalysis.of(file).totals();
        int bigLine = Programs.lineOf(PROGRAM, "big");
        String function = functionAt(a, bigLine);
        ReportPage page = report("flamegraph", "-o", dir.resolve("fg.html").toString(), file.toString());

        assertEquals("peak", page.data.get("mode"));
        assertEquals(a.peakBytes(), page.number("total"));
        List<ReportPage.Box> leaves = page.leavesAt(PROGRAM.toString(), bigLine);
        assertEquals(1, leaves.size(), leaves.toString());
        ReportPage.Box big = leaves.get(0);
        assertEquals(function, big.function());
        assertFalse(big.nativeFrame());
        // The 100 bytearrays and the list's own item array, allocated at the same line.
        assertEquals(Programs.bytesAt(a, a.peakBytesByNode(), function, PROGRAM.toString(), bigLine), big.bytes());
        assertTrue(big.bytes() >= BIG && big.bytes() <= BIG + 1024, "bytes " + big.bytes());
        assertEquals(Programs.bytesAt(a, a.peakCountByNode(), function, PROGRAM.toString(), bigLine), big.count());
        assertTrue(big.count() >= 100 && big.count() <= 102, "allocations " + big.count());
        // Nothing of the smaller site was allocated yet at the peak.
        assertEquals(List.of(), page.leavesAt(PROGRAM.toString(), Programs.lineOf(PROGRAM, "small")));

        Map<String, Object> timeline = MiniJson.object(page.data.get("timeline"));
        long highest = MiniJson.array(timeline.get("heap")).stream().mapToLong(v -> (Long) v).max().orElseThrow();
        assertEquals(a.peakBytes(), highest);
        assertEquals(a.peakMillis(), (Long) timeline.get("peakMs"));
        assertTrue(page.html.contains("peak_then_smaller.py"), "the run's command line is in the page");

        ReportPage few = report("flamegraph", "--max-memory-records", "3", "-o", dir.resolve("few.html").toString(),
                file.toString());
        List<Object> heap = MiniJson.array(MiniJson.object(few.data.get("timeline")).get("heap"));
        assertTrue(heap.size() <= 3, heap.toString());
        assertEquals(a.peakBytes(), heap.stream().mapToLong(v -> (Long) v).max().orElseThrow());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void leaksShowWhatWasStillAllocatedWhenTrackingStopped(String python) throws Exception {
        Path file = capture(python);
        Aggregator a = FileAnalysis.of(file).totals();
        int smallLine = Programs.lineOf(PROGRAM, "small");
        String function = functionAt(a, smallLine);
        ReportPage page = report("flamegraph", "--leaks", "-o", dir.resolve("leaks.html").toString(), file.toString());

        assertEquals("leaks", page.data.get("mode"));
        assertEquals(a.heapBytes(), page.number("total"));
        List<ReportPage.Box> leaves = page.leavesAt(PROGRAM.toString(), smallLine);
        assertEquals(1, leaves.size(), leaves.toString());
        assertEquals(function, leaves.get(0).function());
        assertTrue(leaves.get(0).bytes() >= SMALL && leaves.get(0).bytes() <= SMALL + 1024, "bytes " + leaves.get(0));
        assertEquals(Programs.bytesAt(a, a.liveBytesByNode(), function, PROGRAM.toString(), smallLine),
                leaves.get(0).bytes());
        // The big site's memory was freed before the end.
        assertEquals(List.of(), page.leavesAt(PROGRAM.toString(), Programs.lineOf(PROGRAM, "big")));

        ReportPage inverted = report("flamegraph", "--leaks", "--inverted", "-o", dir.resolve("inv.html").toString(),
                file.toString());
        ReportPage.Box first = inverted.boxes().stream().filter(b -> b.parent() == 0)
                .max(java.util.Comparator.comparingLong(ReportPage.Box::bytes)).orElseThrow();
        assertEquals(function, first.function(), "inverted: the allocating frame is at the root");
        assertEquals((long) smallLine, first.line());
    }

    @Test
    void temporaryAllocationsAreShownAtTheirLine() throws Exception {
        Path program = Memflux.program("temporaries_and_leaks.py");
        Path file = ReportPage.capture(dir, Interpreters.all().findFirst().orElseThrow(), program);
        ReportPage page = report("flamegraph", "--temporary-allocations", "-o", dir.resolve("t.html").toString(),
                file.toString());
        assertEquals("temporary", page.data.get("mode"));
        List<ReportPage.Box> temp = page.leavesAt(program.toString(), Programs.lineOf(program, "temp"));
        assertEquals(1, temp.size(), temp.toString());
        // temporaries_and_leaks.py: 400 allocations of 100,004 bytes, each freed before the next.
        assertEquals(400L * 100_004, temp.get(0).bytes());
        assertEquals(400, temp.get(0).count());
        assertEquals(List.of(), page.leavesAt(program.toString(), Programs.lineOf(program, "kept")), "never freed");
        Memflux.Result both = Memflux.run(dir, "flamegraph", "--split-threads", "--temporary-allocations", "-o",
                "x.html", file.toString());
        assertEquals(2, both.exitCode(), both.toString());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void tableRowsHoldSummarysNumbers(String python) throws Exception {
        Path file = capture(python);
        FileAnalysis analysis = FileAnalysis.of(file);
        ReportPage page = report("table", "--min-share", "0", "-o", dir.resolve("table.html").toString(),
                file.toString());
        List<Object> rows = MiniJson.array(page.data.get("rows"));
        assertEquals(null, page.data.get("threads"), "one thread allocates: no thread column");
        assertTrue(rows.stream().allMatch(r -> MiniJson.array(r).size() == 7));
        List<LocationTotals.Row> summary = new SummaryReport(analysis, SummaryReport.SortKey.OWN, 100_000).rows();
        summary = summary.stream().filter(r -> r.totalBytes > 0).toList();
        assertEquals(summary.size(), rows.size());
        for (LocationTotals.Row expected : summary) {
            List<Object> row = rows.stream().map(MiniJson::array)
                    .filter(r -> r.get(0).equals(expected.location.function()) && r.get(1).equals(expected.location.file())
                            && (Long) r.get(2) == expected.location.line())
                    .findFirst().orElseThrow(() -> new AssertionError("no row for " + expected.location));
            assertEquals(expected.ownBytes, row.get(3), expected.location.toString());
            assertEquals(expected.totalBytes, row.get(5), expected.location.toString());
        }
        int bigLine = Programs.lineOf(PROGRAM, "big");
        List<Object> big = rows.stream().map(MiniJson::array)
                .filter(r -> r.get(1).equals(PROGRAM.toString()) && (Long) r.get(2) == bigLine)
                .max(java.util.Comparator.comparingLong(r -> (Long) r.get(3))).orElseThrow();
        Aggregator a = analysis.totals();
        String function = functionAt(a, bigLine);
        assertEquals(function, big.get(0));
        assertEquals(Programs.bytesAt(a, a.peakCountByNode(), function, PROGRAM.toString(), bigLine), big.get(4));
    }

    /** small_sites.py: ten sites of about 0.1% each under one function holding about 1%, beside one of 99%. */
    @Test
    void framesBelowTheShareAreLeftOutAndThePageSaysSo() throws Exception {
        Path program = Memflux.program("small_sites.py");
        Path file = ReportPage.capture(dir, Interpreters.all().findFirst().orElseThrow(), program);
        ReportPage all = report("flamegraph", "--leaks", "--min-share", "0", "-o", dir.resolve("all.html").toString(),
                file.toString());
        ReportPage some = report("flamegraph", "--leaks", "--min-share", "0.5", "-o", dir.resolve("some.html").toString(),
                file.toString());
        long total = some.number("total");
        assertEquals(0L, MiniJson.object(all.data.get("omitted")).get("boxes"));
        int smallLine = Programs.lineOf(program, "small");
        for (int line = smallLine; line < smallLine + 10; line++) {
            assertEquals(1001, all.leavesAt(program.toString(), line).get(0).bytes(), "line " + line);
            assertEquals(List.of(), some.leavesAt(program.toString(), line), "line " + line);
        }
        assertEquals(1_000_001, some.leavesAt(program.toString(), Programs.lineOf(program, "big")).get(0).bytes());
        for (ReportPage.Box b : some.boxes()) {
            assertTrue(b.bytes() * 1000 >= total * 5, "a box below 0.5%: " + b);
        }
        // Left out: each small box whose caller is kept, with everything below it; the page says how many.
        List<ReportPage.Box> full = all.boxes();
        List<ReportPage.Box> small = full.stream().filter(b -> b.parent() >= 0 && b.bytes() * 1000 < total * 5
                && full.get(b.parent()).bytes() * 1000 >= total * 5).toList();
        Map<String, Object> omitted = MiniJson.object(some.data.get("omitted"));
        assertTrue(small.size() >= 10, small.toString());
        assertEquals((long) small.size(), omitted.get("boxes"));
        assertEquals(small.stream().mapToLong(ReportPage.Box::bytes).sum(), omitted.get("bytes"));
        assertTrue((Long) omitted.get("bytes") >= 10 * 1001L);
    }

    /**
     * thread_holds.py: at the heap's peak the worker (thread 2) holds 8 x 1,000,001 bytes at
     * "site: worker" and the main thread (thread 1) 1,000,001 at "site: main"; at the end the
     * worker still holds 2 of its 8.
     */
    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void tableHasAThreadColumnWhenTwoThreadsAllocate(String python) throws Exception {
        Path program = Memflux.program("thread_holds.py");
        Path file = ReportPage.capture(dir, python, program);
        int workerLine = Programs.lineOf(program, "worker");
        int mainLine = Programs.lineOf(program, "main");
        for (String figures : new String[] {"peak", "leaks"}) {
            Path out = dir.resolve(figures + ".html");
            ReportPage page = figures.equals("peak")
                    ? report("table", "--min-share", "0", "-o", out.toString(), file.toString())
                    : report("table", "--leaks", "--min-share", "0", "-o", out.toString(), file.toString());
            List<List<Object>> threads = MiniJson.array(page.data.get("threads")).stream().map(MiniJson::array).toList();
            assertEquals(List.of(1L, 2L), threads.stream().map(t -> t.get(0)).filter(n -> (Long) n > 0).toList());
            assertTrue(threads.stream().filter(t -> (Long) t.get(0) > 0).allMatch(t -> (Long) t.get(1) > 0), threads.toString());
            List<List<Object>> rows = MiniJson.array(page.data.get("rows")).stream().map(MiniJson::array).toList();
            java.util.function.IntFunction<List<List<Object>>> at = line -> rows.stream()
                    .filter(r -> r.get(1).equals(program.toString()) && (Long) r.get(2) == line && (Long) r.get(3) > 0).toList();
            long held = figures.equals("peak") ? 8 : 2;
            List<List<Object>> worker = at.apply(workerLine);
            assertEquals(1, worker.size(), figures + ": " + worker);
            assertEquals(List.of(held * 1_000_001, held, 2L),
                    List.of(worker.get(0).get(3), worker.get(0).get(4), worker.get(0).get(7)), figures);
            List<List<Object>> main = at.apply(mainLine);
            assertEquals(1, main.size(), figures + ": " + main);
            assertEquals(List.of(1_000_001L, 1L, 1L), List.of(main.get(0).get(3), main.get(0).get(4), main.get(0).get(7)),
                    figures);
            // Each allocation is some thread's own at one location: the rows add up to the page's total.
            assertEquals(page.number("total"), rows.stream().mapToLong(r -> (Long) r.get(3)).sum(), figures);
        }
    }

    /** threads_hold.py: the main thread keeps 3,000,001 bytes, worker i keeps i times that, to the end. */
    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void splitThreadsKeepsEachThreadsMemoryUnderItsOwnBox(String python) throws Exception {
        Path program = Memflux.program("threads_hold.py");
        Path file = ReportPage.capture(dir, python, program);
        int workerLine = Programs.lineOf(program, "worker");
        int mainLine = Programs.lineOf(program, "main");
        ReportPage merged = report("flamegraph", "--leaks", "-o", dir.resolve("merged.html").toString(), file.toString());
        ReportPage split = report("flamegraph", "--leaks", "--split-threads", "-o", dir.resolve("split.html").toString(),
                file.toString());
        assertEquals(merged.number("total"), split.number("total"));
        List<ReportPage.Box> boxes = split.boxes();
        java.util.function.ToIntFunction<ReportPage.Box> threadOf = b -> {
            ReportPage.Box at = b;
            while (at.parent() != 0) {
                at = boxes.get(at.parent());
            }
            assertTrue(at.function().startsWith("thread "), at.toString());
            return at.index();
        };
        List<ReportPage.Box> workers = split.leavesAt(program.toString(), workerLine);
        assertEquals(2, workers.size(), workers.toString());
        assertTrue(threadOf.applyAsInt(workers.get(0)) != threadOf.applyAsInt(workers.get(1)));
        List<Long> bytes = workers.stream().map(ReportPage.Box::bytes).sorted().toList();
        for (int i = 1; i <= 2; i++) {
            long held = bytes.get(i - 1);
            assertTrue(held >= i * 3_000_001L && held < (i + 1) * 3_000_001L, "worker " + i + ": " + held);
        }
        assertEquals(merged.leavesAt(program.toString(), workerLine).get(0).bytes(), bytes.get(0) + bytes.get(1));
        ReportPage.Box main = split.leavesAt(program.toString(), mainLine).get(0);
        assertEquals(boxes.get(threadOf.applyAsInt(main)).function().split(" ")[1], "1", "the main thread is thread 1");
        assertTrue(workers.stream().noneMatch(w -> threadOf.applyAsInt(w) == threadOf.applyAsInt(main)));
    }

    @Test
    void aCutShortCaptureStillGivesPagesThatSayItWas() throws Exception {
        Path file = capture(Interpreters.all().findFirst().orElseThrow());
        byte[] whole = Files.readAllBytes(file);
        Path cut = dir.resolve("cut.bin");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 100));
        for (String command : new String[] {"flamegraph", "table"}) {
            Path out = dir.resolve("cut-" + command + ".html");
            Memflux.Result r = Memflux.run(dir, command, "-o", out.toString(), cut.toString());
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.stderr().startsWith("memflux: warning: the capture was cut short: "), r.toString());
            List<Object> meta = MiniJson.array(new ReportPage(out).data.get("meta"));
            assertTrue(meta.stream().map(MiniJson::array)
                    .anyMatch(m -> m.get(0).equals("Cut short") && ((String) m.get(1)).startsWith("yes: ")), meta.toString());
        }
    }

    @Test
    void badInputIsOneLine() throws Exception {
        Path missing = dir.resolve("missing.bin");
        for (String command : new String[] {"flamegraph", "table"}) {
            BadInputTest.oneClearLine(Memflux.run(dir, command, missing.toString()), 1, "no such file: " + missing);
            Path notCapture = dir.resolve("not.bin");
            Files.writeString(notCapture, "hello, not a capture\n");
            Memflux.Result r = Memflux.run(dir, command, "-o", dir.resolve("x.html").toString(), notCapture.toString());
            BadInputTest.oneClearLine(r, 1, notCapture.toString());
            assertFalse(Files.exists(dir.resolve("x.html")), "a page was written for a bad capture");
            BadInputTest.oneClearLine(Memflux.run(dir, command, "--min-share", "200", notCapture.toString()), 2,
                    "--min-share takes a percentage from 0 to 100");
        }
        Path file = capture(Interpreters.all().findFirst().orElseThrow());
        Path out = dir.resolve("exists.html");
        Files.writeString(out, "keep me");
        BadInputTest.oneClearLine(Memflux.run(dir, "flamegraph", "-o", out.toString(), file.toString()), 1,
                "already exists (use -f to overwrite it)");
        assertEquals("keep me", Files.readString(out));
        assertEquals(0, Memflux.run(dir, "flamegraph", "-f", "-o", out.toString(), file.toString()).exitCode());
        assertTrue(Files.readString(out).startsWith("<!DOCTYPE html>"));
        // Without -o: memflux-<report>-<capture stem>.html beside the capture, as memray names it.
        Memflux.Result r = Memflux.run(dir, "table", file.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(Files.exists(dir.resolve("memflux-table-peak_then_smaller.html")), r.toString());
    }
}
