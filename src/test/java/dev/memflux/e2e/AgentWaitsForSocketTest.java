package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.capture.AgentFiles;
import dev.memflux.capture.Collector;
import dev.memflux.capture.PythonLauncher;
import dev.memflux.format.CaptureHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * memflux launches the program before it opens its socket, so the agent may look for the
 * socket before it exists: it waits for it (while memflux lives) instead of giving up.
 * Here the socket is opened only once the agent is seen sleeping in its wait.
 */
class AgentWaitsForSocketTest {
    @ParameterizedTest
    @MethodSource("dev.memflux.e2e.Interpreters#all")
    void agentConnectsToASocketOpenedAfterTheProgramStarted(String python) throws Exception {
        try (Collector collector = new Collector()) {
            Process program = new PythonLauncher(python, AgentFiles.extract(), "0:0").start(PythonLauncher.Mode.COMMAND,
                    "x = bytearray(1000)", List.of(), collector.socketPath(), 0);
            try {
                Path wchan = Path.of("/proc", Long.toString(program.pid()), "wchan");
                Await.until("the agent waiting for the socket", Duration.ofSeconds(30),
                        () -> !program.isAlive() || Files.readString(wchan).contains("nanosleep"));
                assertTrue(program.isAlive(), "the agent gave up before the socket was opened");
                collector.listen();
                CaptureHeader hello = collector.awaitHello(program::isAlive);
                assertNotNull(hello, "no HELLO from the agent");
                assertEquals(program.pid(), hello.pid());
            } finally {
                collector.close(); // the agent's next send fails: the program runs on untracked
                assertTrue(program.waitFor(60, TimeUnit.SECONDS), "the program did not end");
            }
            assertEquals(0, program.exitValue());
        }
    }
}
