package dev.memflux.cli;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * While a program runs under memflux, memflux must outlive it to finish the capture.
 * Ctrl-C (like Ctrl-\ and window changes) reaches the whole foreground process group, so
 * the program gets its own SIGINT from the terminal and memflux ignores it. A signal sent
 * to memflux alone (HUP, TERM, USR1, USR2, ALRM) is passed on to the program as it came,
 * and memflux then ends with it. A signal ignored when memflux started (SIGHUP under
 * nohup) stays ignored, by memflux and by the program. The handlers run on the JVM's
 * signal dispatcher thread; kill(2) is all they do.
 */
final class Signals {
    private static final String[] FORWARDED = {"HUP", "TERM", "USR1", "USR2", "ALRM"};
    /** Standard signals only: the JVM's own spawn leaves glibc's 32 and 33 ignored. */
    private static final long STANDARD = 0x7fffffffL;

    /** kill(2): the JDK can send a process SIGTERM or SIGKILL, nothing else. */
    public interface LibC extends Library {
        int kill(int pid, int signal);
    }

    private static final class Kill {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    /**
     * The signal state the program must start with, {@code "<SigBlk>:<SigIgn>"} in hex: the
     * memflux script's own (it exports it), else the best the JVM knows: nothing blocked,
     * and the standard signals that were ignored when it started.
     */
    static String startState() {
        String fromScript = fromScript();
        return fromScript != null ? fromScript : "0:" + Long.toHexString(ignoredAtStart());
    }

    /** The state the memflux script read from a child of its own, if it ran. */
    private static String fromScript() {
        String state = System.getenv("MEMFLUX_SIGNALS");
        return state != null && state.matches("[0-9a-fA-F]{1,16}:[0-9a-fA-F]{1,16}") ? state : null;
    }

    private static long ignoredAtStart() {
        String fromScript = fromScript();
        if (fromScript != null) {
            return Long.parseUnsignedLong(fromScript.substring(fromScript.indexOf(':') + 1), 16) & STANDARD;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return Long.parseUnsignedLong(line.substring(7).strip(), 16) & STANDARD;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no /proc: assume nothing was ignored, as a login shell has it
        }
        return 0;
    }

    /**
     * Takes over memflux's signals before the program starts (so none can end memflux
     * while the program starts up); those that come before {@link #forwardTo} are passed
     * on then.
     */
    static Signals install() {
        Signals signals = new Signals();
        long ignored = ignoredAtStart();
        Signal.handle(new Signal("INT"), new Ignore());
        for (String name : FORWARDED) {
            Signal signal = new Signal(name);
            if ((ignored >> (signal.getNumber() - 1) & 1) != 0) {
                continue;
            }
            try {
                Signal.handle(signal, new Forward(signals));
            } catch (IllegalArgumentException e) {
                // reserved by this JVM: it cannot reach memflux's code
            }
        }
        return signals;
    }

    // Handlers as classes, not lambdas: install() runs before the program's launch, where
    // the JVM's first lambda would cost milliseconds of method-handle set-up.
    private static final class Ignore implements SignalHandler {
        @Override
        public void handle(Signal signal) {
            // the program gets its own Ctrl-C from the terminal
        }
    }

    private static final class Forward implements SignalHandler {
        private final Signals signals;

        Forward(Signals signals) {
            this.signals = signals;
        }

        @Override
        public void handle(Signal signal) {
            signals.received(signal.getNumber());
        }
    }

    private Process program;
    private long pending;

    private synchronized void received(int number) {
        if (program == null) {
            pending |= 1L << (number - 1);
        } else if (program.isAlive()) {
            try {
                Kill.LIBC.kill((int) program.pid(), number);
            } catch (LinkageError | RuntimeException e) {
                System.err.println("memflux: could not pass signal " + number + " on to the program: " + e);
            }
        }
    }

    synchronized void forwardTo(Process process) {
        program = process;
        for (int number = 1; pending != 0; number++) {
            if ((pending & 1L << (number - 1)) != 0) {
                pending &= ~(1L << (number - 1));
                received(number);
            }
        }
    }
}
