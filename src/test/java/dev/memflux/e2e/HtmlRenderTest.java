package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report pages as a browser shows them, offline: headless Chromium runs their scripts. */
class HtmlRenderTest {
    @TempDir
    Path dir;

    private Path capture(String program) throws Exception {
        return ReportPage.capture(dir, Interpreters.all().findFirst().orElseThrow(), Memflux.program(program));
    }

    @Test
    void theFlameGraphShowsTheBiggestFrameAndTheChart() throws Exception {
        Path page = ReportPage.write(dir.resolve("fg.html"), capture("peak_then_smaller.py"), "flamegraph");
        String dom = Chromium.dumpDom(page, dir.resolve("profile"));
        // hold_big holds the peak (its list of 100 bytearrays): the widest box below <module>, full width.
        Matcher box = Pattern.compile("<div class=\"box[^\"]*\" data-function=\"hold_big\" style=\"([^\"]*)\">hold_big</div>")
                .matcher(dom);
        assertTrue(box.find(), dom);
        Matcher width = Pattern.compile("width: ([0-9.]+)px").matcher(box.group(1));
        assertTrue(width.find());
        assertTrue(Double.parseDouble(width.group(1)) > 700, "hold_big's box: " + box.group(1));
        assertTrue(dom.contains("<canvas"), "uPlot drew the time chart");
        assertTrue(dom.contains("95.37 MiB in 101 allocations") || dom.contains("95.37 MiB in 102 allocations"), dom);
        Chromium.screenshot(page, dir.resolve("profile"), dir.resolve("fg.png"));
        assertTrue(Files.size(dir.resolve("fg.png")) > 10_000);
    }

    @Test
    void theTableShowsTheBiggestLocationFirst() throws Exception {
        Path page = ReportPage.write(dir.resolve("table.html"), capture("peak_then_smaller.py"), "table");
        String dom = Chromium.dumpDom(page, dir.resolve("profile"));
        int bigLine = Programs.lineOf(Memflux.program("peak_then_smaller.py"), "big");
        int body = dom.indexOf("<tbody>");
        assertTrue(body > 0, dom);
        String firstRow = dom.substring(body, dom.indexOf("</tr>", body));
        assertTrue(firstRow.contains("peak_then_smaller.py:" + bigLine) && firstRow.contains("95.37 MiB"), firstRow);
    }

    /** thread_holds.py: the worker (thread 2) holds 8 x 1,000,001 bytes at the peak, the most of any row. */
    @Test
    void theTableHasAThreadColumnWhenTwoThreadsAllocate() throws Exception {
        Path page = ReportPage.write(dir.resolve("threads.html"), capture("thread_holds.py"), "table");
        String dom = Chromium.dumpDom(page, dir.resolve("profile"));
        assertTrue(dom.contains("<th class=\"\">Thread</th><th class=\"\">Function</th>"), dom);
        int workerLine = Programs.lineOf(Memflux.program("thread_holds.py"), "worker");
        int body = dom.indexOf("<tbody>");
        assertTrue(body > 0, dom);
        String firstRow = dom.substring(body, dom.indexOf("</tr>", body));
        assertTrue(firstRow.matches(".*<td[^>]*>2 \\(tid [1-9][0-9]*\\)</td>.*") && firstRow.contains("thread_holds.py:" + workerLine)
                && firstRow.contains("7.63 MiB"), firstRow);
        Chromium.screenshot(page, dir.resolve("profile"), dir.resolve("threads.png"));
        assertTrue(Files.size(dir.resolve("threads.png")) > 10_000);
    }

    /** The page's own controls, driven by a script added to a copy of it: the switch that hides import frames, search. */
    @Test
    void importSystemFramesHideAndSearchHighlights() throws Exception {
        Path page = ReportPage.write(dir.resolve("imports.html"), capture("imports_then_holds.py"), "flamegraph", "--leaks");
        String shown = Chromium.dumpDom(page, dir.resolve("profile"));
        assertTrue(shown.contains("data-function=\"_find_and_load\""), shown);
        assertTrue(!shown.contains("class=\"box match"), "nothing searched yet");

        Path driven = dir.resolve("driven.html");
        Files.writeString(driven, Files.readString(page).replace("</body>", "<script>"
                + "document.getElementById('hide-import').click();"
                + "const q = document.getElementById('search'); q.value = 'fractions';"
                + "q.dispatchEvent(new Event('input'));</script></body>"));
        String dom = Chromium.dumpDom(driven, dir.resolve("profile"));
        assertTrue(!dom.contains("data-function=\"_find_and_load\""), "import frames still shown");
        assertTrue(dom.contains("data-function=\"held\"") || dom.contains("data-function=\"&lt;module&gt;\""), dom);
        assertTrue(dom.contains("class=\"box match"), "no box matched 'fractions'");
        Matcher matched = Pattern.compile("<span id=\"matched\">matched ([^<]+)</span>").matcher(dom);
        assertTrue(matched.find() && !matched.group(1).startsWith("0 B"), dom);
    }
}
