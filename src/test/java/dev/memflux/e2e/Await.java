package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Waits for what another process does (a file appears, a marker is written), polling at
 * 20 ms, and fails the test with {@code what} when it has not happened within the limit:
 * no test sleeps for a fixed time, and none waits without a bound.
 */
final class Await {
    private Await() {}

    /** A check that may read files. */
    interface Check {
        boolean holds() throws Exception;
    }

    static void until(String what, Duration limit, Check check) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                fail("gave up after " + limit.toSeconds() + " s waiting until " + what);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
