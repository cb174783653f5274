package dev.memflux.cli;

/** memflux's own exit codes; {@code run} otherwise passes the program's code through. */
final class ExitCodes {
    static final int OK = 0;
    /** A file could not be read or written: missing, foreign, corrupt, exists without -f. */
    static final int INPUT = 1;
    /** The command line is wrong. */
    static final int USAGE = 2;
    /** {@code check}: a memory limit is exceeded. */
    static final int LIMIT_EXCEEDED = 3;

    private ExitCodes() {}
}
