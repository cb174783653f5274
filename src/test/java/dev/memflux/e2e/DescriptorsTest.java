package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.pipeline.Aggregator;
import dev.memflux.report.FileAnalysis;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Programs that close or replace descriptors wholesale: memflux never writes into theirs,
 * and its stream survives with every record.
 */
class DescriptorsTest {
    @TempDir
    Path dir;

    private Memflux.Result run(String python, Path program) throws Exception {
        return Memflux.run(dir, "run", "--python", python, "-o", "out.bin", program.toString());
    }

    private void assertAllCounted(Memflux.Result r, Path program, String expectedOutput) throws Exception {
        assertAllCounted(r, program, expectedOutput, 20_000);
    }

    private void assertAllCounted(Memflux.Result r, Path program, String expectedOutput, long churned)
            throws Exception {
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains(expectedOutput), r.toString());
        assertFalse(r.stderr().contains("stream was lost") || r.stderr().contains("killed or crashed"), r.toString());
        FileAnalysis capture = FileAnalysis.of(dir.resolve("out.bin"));
        assertFalse(capture.cutShort(), capture.cutShortReason());
        assertTrue(capture.totals().ended());
        Aggregator a = capture.totals();
        assertEquals(3, Programs.site(a, "<listcomp>", program.toString(), Programs.lineOf(program, "before")).allocations());
        Programs.Site during = Programs.site(a, "churn", program.toString(), Programs.lineOf(program, "during"));
        assertEquals(churned, during.allocations());
        assertEquals(churned * 10_001, during.bytes());
        assertEquals(5, Programs.site(a, "<listcomp>", program.toString(), Programs.lineOf(program, "after")).allocations());
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void closerangeThenSocketpairGetsOnlyTheProgramsBytes(String python) throws Exception {
        Path program = Memflux.program("closerange_socketpair.py");
        assertAllCounted(run(python, program), program, "own_bytes_only=True", 40_000);
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void dup2OverTheSocketAndCloseOfItLoseNothing(String python) throws Exception {
        Path program = Memflux.program("dup2_over_socket.py");
        assertAllCounted(run(python, program), program, "own_bytes_only=True");
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void aSocketClosedBehindTheAgentsBackIsReconnected(String python) throws Exception {
        Path program = Memflux.program("raw_close_socket.py");
        Memflux.Result r = run(python, program);
        assertTrue(r.stderr().contains("the agent reconnected and nothing was lost"), r.toString());
        assertAllCounted(r, program, "own_bytes_only=True");
    }

    /** With --follow-fork one thread takes every connection: the CONTINUE must still find its stream. */
    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void aReconnectionFindsItsStreamWithFollowFork(String python) throws Exception {
        Path program = Memflux.program("raw_close_socket.py");
        Memflux.Result r = Memflux.run(dir, "run", "--follow-fork", "--python", python, "-o", "out.bin", program.toString());
        assertTrue(r.stderr().contains("the agent reconnected and nothing was lost"), r.toString());
        assertAllCounted(r, program, "own_bytes_only=True");
    }

    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void aStreamThatCannotReconnectIsSaidLostNeverComplete(String python) throws Exception {
        Path program = Memflux.program("socket_lost.py");
        Memflux.Result r = run(python, program);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("descriptors_untouched=True"), r.toString());
        assertTrue(r.stderr().contains("memflux: the agent's stream was lost before the program ended"), r.toString());
        assertFalse(r.stderr().contains("killed or crashed"), r.toString());
        FileAnalysis capture = FileAnalysis.of(dir.resolve("out.bin"));
        assertTrue(capture.cutShort());
        assertFalse(capture.totals().ended());
    }
}
