package dev.memflux.cli;

import sun.misc.Signal;

/**
 * While a program runs under memflux, memflux must outlive it to finish the capture.
 * Ctrl-C reaches the whole foreground process group, so the program gets its own SIGINT
 * from the terminal and memflux ignores it; a SIGTERM or SIGHUP sent to memflux alone is
 * passed on to the program, and memflux then ends with it.
 */
final class Signals {
    private Signals() {}

    static void forwardTo(Process process) {
        Signal.handle(new Signal("INT"), signal -> { });
        for (String name : new String[] {"TERM", "HUP"}) {
            Signal.handle(new Signal(name), signal -> process.destroy());
        }
    }
}
