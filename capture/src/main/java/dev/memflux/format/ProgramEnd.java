package dev.memflux.format;

/**
 * How the profiled program ended, as an aggregated file states it (its RUN_TOTALS record):
 * a full capture keeps every record up to the death, an aggregated one keeps only figures,
 * so it says in words what became of the program.
 *
 * @param status the exit code ({@link Kind#EXITED}) or the signal number ({@link Kind#KILLED}); else 0
 */
public record ProgramEnd(Kind kind, int status) {
    /** The kinds, numbered as in the file. */
    public enum Kind {
        /** The file was written while the program still ran (a periodic rewrite). */
        RUNNING,
        /** Tracking stopped normally; the exit code is not known (a forked child, a transformed capture). */
        TRACKING_STOPPED,
        /** Tracking stopped normally and the program exited with {@code status}. */
        EXITED,
        /** Signal {@code status} ended the program before tracking stopped (SIGKILL, the OOM killer, a segfault). */
        KILLED,
        /** The program exec'd another one; tracking ended there. */
        EXECED,
        /** The stream ended before tracking stopped, without a known cause (killed, crashed, or the stream lost). */
        LOST;

        private static final Kind[] BY_NUMBER = values();

        /** The kind numbered {@code n}, or null for a number this memflux does not know. */
        public static Kind of(long n) {
            return n >= 0 && n < BY_NUMBER.length ? BY_NUMBER[(int) n] : null;
        }
    }

    /** Whether the program's end cut tracking short: the figures stop at the death. */
    public boolean cutShort() {
        return kind == Kind.KILLED || kind == Kind.LOST || kind == Kind.RUNNING;
    }

    /** In words, for a report and for memflux's stderr: "killed by signal 9 (SIGKILL)". */
    public String describe() {
        return switch (kind) {
            case RUNNING -> "still running when this file was written";
            case TRACKING_STOPPED -> "tracking stopped normally";
            case EXITED -> "exited with code " + status;
            case KILLED -> "killed by signal " + status + signalName(status);
            case EXECED -> "exec'd another program; tracking ended there";
            case LOST -> "ended before tracking stopped (killed or crashed, or the stream was lost)";
        };
    }

    private static String signalName(int signal) {
        String name = switch (signal) {
            case 1 -> "SIGHUP";
            case 2 -> "SIGINT";
            case 3 -> "SIGQUIT";
            case 4 -> "SIGILL";
            case 6 -> "SIGABRT";
            case 7 -> "SIGBUS";
            case 8 -> "SIGFPE";
            case 9 -> "SIGKILL, e.g. by the OOM killer";
            case 11 -> "SIGSEGV";
            case 13 -> "SIGPIPE";
            case 14 -> "SIGALRM";
            case 15 -> "SIGTERM";
            default -> null;
        };
        return name == null ? "" : " (" + name + ")";
    }
}
