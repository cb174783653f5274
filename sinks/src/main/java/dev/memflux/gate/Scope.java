package dev.memflux.gate;

import java.util.regex.Pattern;

/**
 * The part of a program a limit applies to: everything, or the allocations made while a
 * frame matching it was on the stack (callees included, as a profiler's "total" column).
 * Written {@code file:GLOB} (a glob over the source file's path, matched against its end:
 * {@code etl/*.py} matches {@code /repo/etl/load.py}; {@code **} crosses directories) or
 * {@code function:GLOB} (the function's name: {@code load_table}, {@code load_*}); or the
 * allocations a thread made, {@code thread:N} (memflux's thread number: 1 is the thread
 * that started tracking, the others numbered as they first allocate), whose peak is the
 * most they held at once.
 */
public record Scope(Kind kind, String pattern, Pattern regex) {
    public enum Kind { ALL, FILE, FUNCTION, THREAD }

    public static final Scope ALL = new Scope(Kind.ALL, "", null);

    public static Scope parse(String text) {
        int colon = text.indexOf(':');
        String kind = colon < 0 ? "" : text.substring(0, colon);
        String glob = colon < 0 ? "" : text.substring(colon + 1);
        if (kind.equals("thread") && glob.matches("[1-9][0-9]{0,8}")) {
            return new Scope(Kind.THREAD, glob, null);
        }
        if (glob.isEmpty() || !(kind.equals("file") || kind.equals("function"))) {
            throw new IllegalArgumentException("'" + text + "' is not a scope: use file:GLOB (file:etl/*.py), "
                    + "function:GLOB (function:load_table) or thread:N (thread:1, the main thread)");
        }
        if (kind.equals("file")) {
            return new Scope(Kind.FILE, glob, Pattern.compile("(?:.*/)?" + regex(glob)));
        }
        return new Scope(Kind.FUNCTION, glob, Pattern.compile(regex(glob)));
    }

    /** Whether a frame of {@code function} in {@code file} puts an allocation in this scope. */
    public boolean matches(String function, String file) {
        return switch (kind) {
            case ALL -> true;
            case FILE -> regex.matcher(file).matches();
            case FUNCTION -> regex.matcher(function).matches();
            case THREAD -> false; // decided by the thread that allocated, not by frames
        };
    }

    /** For {@code thread:N}, N. */
    public int thread() {
        return Integer.parseInt(pattern);
    }

    /** A glob as a regular expression: {@code *} and {@code ?} stay within a path component, {@code **} does not. */
    static String regex(String glob) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                out.append(".*");
                i++;
            } else if (c == '*') {
                out.append("[^/]*");
            } else if (c == '?') {
                out.append("[^/]");
            } else {
                out.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return kind == Kind.ALL ? "program" : kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + pattern;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scope s && s.kind == kind && s.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + pattern.hashCode();
    }
}
