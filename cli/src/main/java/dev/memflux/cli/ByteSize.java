package dev.memflux.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes people write on a command line: {@code 4096}, {@code 64k}, {@code 512KiB}, {@code 1.5GiB}.
 * K, M, G and T are powers of 1024 with or without "iB" or "B" (as memory sizes are counted
 * in reports), so {@code 1MB} is 1,048,576 bytes.
 */
final class ByteSize {
    static final long GIB = 1L << 30;
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?");

    private ByteSize() {}

    /** The size in bytes; an IllegalArgumentException naming {@code option} when {@code text} is not a size. */
    static long parse(String text, String option) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(option + " takes a size such as 4096, 64KiB or 1MiB, not '" + text + "'");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        double bytes = Double.parseDouble(m.group(1)) * (1L << shift);
        if (bytes >= Long.MAX_VALUE) {
            throw new IllegalArgumentException(option + ": " + text + " is too large");
        }
        return Math.round(bytes);
    }
}
