package dev.memflux.report;

import dev.memflux.pipeline.StackTable;

/**
 * Where an allocation happened, as reports name it: the innermost Python frame of its
 * stack (function, file, line). Stack node 0, an allocation with no Python frame on its
 * thread, is {@code <unknown>}.
 */
public record Location(String function, String file, int line) {
    public static final Location UNKNOWN = new Location("<unknown>", "<unknown>", 0);

    public static Location of(StackTable stacks, int node) {
        if (node <= 0 || !stacks.isNode(node)) {
            return UNKNOWN;
        }
        int frame = stacks.frame(node);
        return new Location(stacks.function(frame), stacks.file(frame), stacks.line(node));
    }

    /** memray's spelling: {@code function:file:line}. */
    public String key() {
        return function + ":" + file + ":" + line;
    }

    /** For people: {@code function (file:line)}. */
    @Override
    public String toString() {
        return this == UNKNOWN ? "<unknown> (no Python frame)" : function + " (" + file + ":" + line + ")";
    }
}
