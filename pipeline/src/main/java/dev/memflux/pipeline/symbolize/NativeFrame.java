package dev.memflux.pipeline.symbolize;

/**
 * One native frame as reports show it. An address inside inlined code resolves to several
 * frames: the inlined functions (innermost first, {@code inlined} set) and then the
 * function they were inlined into.
 *
 * @param line 0 when unknown
 */
public record NativeFrame(String function, String file, int line, boolean inlined) {
}
