package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.report.FileAnalysis;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C in a terminal signals the whole foreground process group: memflux and the program. */
class SignalsTest {
    @TempDir
    Path dir;

    @Test
    void ctrlCReachesTheProgramAndMemfluxStillFinishesTheFile() throws Exception {
        Path out = dir.resolve("ctrl-c.bin");
        Path program = Memflux.program("waits_for_ctrl_c.py");
        // setsid: memflux and its child get a process group of their own, as in a terminal.
        Process memflux = Memflux.process(dir, Memflux.command(List.of("setsid"), List.of(), "run", "-q",
                "-o", out.toString(), program.toString()))
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        BufferedReader stdout = new BufferedReader(new InputStreamReader(memflux.getInputStream()));
        assertEquals("ready", stdout.readLine());
        Process kill = new ProcessBuilder("kill", "-INT", "--", "-" + memflux.pid()).start();
        assertEquals(0, kill.waitFor());
        assertTrue(memflux.waitFor(30, TimeUnit.SECONDS), "memflux did not end after Ctrl-C");
        assertEquals(128 + 2, memflux.exitValue());
        String stderr = Files.readString(dir.resolve("stderr.txt"));
        assertTrue(stderr.contains("KeyboardInterrupt"), stderr);
        assertFalse(stderr.contains("memflux_bootstrap"), stderr);

        FileAnalysis capture = FileAnalysis.of(out);
        assertFalse(capture.cutShort(), "memflux should outlive the program and finish the file");
        Programs.Site held = Programs.site(capture.totals(), "<listcomp>", program.toString(),
                Programs.lineOf(program, "held"));
        assertEquals(10L * 100_001, held.liveAtEnd());
    }
}
