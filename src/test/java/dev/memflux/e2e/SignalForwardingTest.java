package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A signal sent to memflux alone reaches the program as the signal it was, not as SIGTERM. */
class SignalForwardingTest {
    @TempDir
    Path dir;

    static Stream<Arguments> signalsAndInterpreters() {
        return Interpreters.all().flatMap(python -> Stream.of("HUP", "USR1", "USR2", "ALRM", "TERM")
                .map(signal -> Arguments.of(signal, python)));
    }

    @ParameterizedTest
    @MethodSource("signalsAndInterpreters")
    void theSignalSentToMemfluxIsTheOneTheProgramGets(String signal, String python) throws Exception {
        Process memflux = Memflux.process(dir, Memflux.command(List.of(), List.of(), "run", "-q", "--python",
                python, "-o", dir.resolve("s.bin").toString(), Memflux.program("reports_signal.py").toString()))
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        BufferedReader stdout = new BufferedReader(new InputStreamReader(memflux.getInputStream()));
        try {
            assertEquals("ready", nextLine(stdout));
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(memflux.pid())).start();
            assertEquals(0, kill.waitFor());
            assertEquals("got SIG" + signal, nextLine(stdout), this::stderr);
            assertTrue(memflux.waitFor(30, TimeUnit.SECONDS), "memflux did not end with its program");
            assertEquals(40, memflux.exitValue(), this::stderr);
        } finally {
            // a program orphaned by a failure would wait forever
            memflux.descendants().forEach(ProcessHandle::destroyForcibly);
            memflux.destroyForcibly();
        }
    }

    /** The program's next line, waited for at most 30 s (a lost signal must fail, not hang). */
    private String nextLine(BufferedReader stdout) throws Exception {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return stdout.readLine();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no line from the program in 30 s; memflux's stderr:\n" + stderr(), e);
        }
    }

    private String stderr() {
        try {
            return Files.readString(dir.resolve("stderr.txt"));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
