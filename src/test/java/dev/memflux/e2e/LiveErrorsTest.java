package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What goes wrong around the live view says so in one line on stderr, with a non-zero exit. */
class LiveErrorsTest {
    @TempDir
    Path dir;

    @Test
    void aPortInUseIsOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Memflux.Result r = Memflux.run(dir, "run", "--live-remote", "-p", Integer.toString(taken.getLocalPort()),
                    LiveRuns.STEPS.toString(), dir.toString());
            assertOneLine(r, 1, "memflux: port " + taken.getLocalPort() + " is in use");
            assertEquals("", r.stdout(), "the program ran");
        }
    }

    @Test
    void nothingListeningIsOneLine() throws Exception {
        int port;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = gone.getLocalPort();
        }
        Memflux.Result r = Memflux.run(dir, "live", Integer.toString(port), "--print");
        assertOneLine(r, 1, "memflux: nothing is listening on port " + port);
    }

    @Test
    void aPeerThatIsNotMemfluxIsOneLine() throws Exception {
        try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answer = new Thread(() -> {
                try (Socket s = other.accept(); OutputStream out = s.getOutputStream()) {
                    out.write("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.getInputStream().read(); // until the viewer hangs up
                } catch (java.io.IOException e) {
                    // the viewer left first
                }
            });
            answer.start();
            Memflux.Result r = Memflux.run(dir, "live", Integer.toString(other.getLocalPort()), "--print");
            assertOneLine(r, 1, "memflux: port " + other.getLocalPort() + " is not a memflux live feed");
            answer.join(30_000);
        }
    }

    @Test
    void theTerminalViewWithoutATerminalIsOneLine() throws Exception {
        assertOneLine(Memflux.run(dir, "live", "4000"), 2, "memflux: the live view needs a terminal");
        assertOneLine(Memflux.run(dir, "run", "--live", LiveRuns.STEPS.toString(), dir.toString()), 2,
                "memflux: --live needs a terminal on stdin and stdout");
    }

    @Test
    void liveFlagsThatDoNotGoTogetherAreOneLineEach() throws Exception {
        String program = LiveRuns.STEPS.toString();
        assertOneLine(Memflux.run(dir, "run", "--live", "--aggregate", program), 2,
                "memflux: --live cannot be used with --aggregate");
        assertOneLine(Memflux.run(dir, "run", "--live-remote", "--aggregate", program), 2,
                "memflux: --live-remote cannot be used with --aggregate");
        assertOneLine(Memflux.run(dir, "run", "--live", "--live-remote", program), 2,
                "memflux: --live and --live-remote cannot be used together");
        assertOneLine(Memflux.run(dir, "run", "-p", "4000", program), 2, "memflux: --live-port goes with --live-remote");
        assertOneLine(Memflux.run(dir, "run", "--live-remote", "-p", "70000", program), 2,
                "memflux: --live-port must be a port from 1 to 65535");
        assertOneLine(Memflux.run(dir, "live", "4000", "--print", "--sort", "size"), 2,
                "memflux: --sort takes total, own or allocations");
    }

    private static void assertOneLine(Memflux.Result r, int exitCode, String start) {
        assertEquals(exitCode, r.exitCode(), r::toString);
        assertTrue(r.stderr().startsWith(start), r::toString);
        assertEquals(1, r.stderr().lines().count(), r::toString);
    }
}
