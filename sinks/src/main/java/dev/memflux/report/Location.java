package dev.memflux.report;

import dev.memflux.pipeline.StackTable;

/**
 * Where an allocation happened, as reports name it: the innermost Python frame of its
 * stack (function, file, line), or, where a report breaks out {@code --native} stacks,
 * the innermost native frame ({@code nativeFrame}: a C function, its source file or
 * library, line 0 where unknown). Stack node 0, an allocation with no Python frame on its
 * thread, is {@code <unknown>}.
 */
public record Location(String function, String file, int line, boolean nativeFrame) {
    public static final Location UNKNOWN = new Location("<unknown>", "<unknown>", 0);

    /** A Python location. */
    public Location(String function, String file, int line) {
        this(function, file, line, false);
    }

    public static Location of(StackTable stacks, int node) {
        if (node <= 0 || !stacks.isNode(node)) {
            return UNKNOWN;
        }
        int frame = stacks.frame(node);
        return new Location(stacks.function(frame), stacks.file(frame), stacks.line(node));
    }

    /** A frame of a merged stack ({@link HybridStack}) as a location of its kind. */
    public static Location of(HybridStack.Frame frame) {
        return new Location(frame.function(), frame.file(), frame.line(), frame.nativeFrame());
    }

    /** memray's spelling: {@code function:file:line}. */
    public String key() {
        return function + ":" + file + ":" + line;
    }

    /** For people: {@code function (file:line)}, a native one marked {@code [native]} as the reports mark them. */
    @Override
    public String toString() {
        if (nativeFrame) {
            return "[native] " + function + " (" + (line > 0 ? file + ":" + line : file) + ")";
        }
        return this == UNKNOWN ? "<unknown> (no Python frame)" : function + " (" + file + ":" + line + ")";
    }
}
