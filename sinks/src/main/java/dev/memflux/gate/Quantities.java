package dev.memflux.gate;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes and counts as people write them in limits. Sizes are 1024-based whatever the
 * spelling ({@code 500MB} = {@code 500MiB} = 500 x 2^20 bytes), as memray, pytest-memray
 * and memflux's own reports count them, so a limit copied from a report means what it
 * says. Counts are 1000-based ({@code 20k} = 20,000).
 */
public final class Quantities {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?b)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern COUNT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmg]?)", Pattern.CASE_INSENSITIVE);

    private Quantities() {}

    /** Bytes from {@code 1234}, {@code 20k}, {@code 500MB}, {@code 1.5GiB}; an IllegalArgumentException says why not. */
    public static long size(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (examples: 4096, 20k, 500MB, 1.5GiB)");
        }
        return scaled(text, m.group(1), power(m.group(2)), 1024);
    }

    /** A count from {@code 1234}, {@code 20k}, {@code 1.5M}. */
    public static long count(String text) {
        Matcher m = COUNT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a count (examples: 1000, 20k, 1.5M)");
        }
        return scaled(text, m.group(1), power(m.group(2)), 1000);
    }

    private static int power(String unit) {
        return unit.isEmpty() ? 0 : "kmgt".indexOf(unit.toLowerCase(Locale.ROOT).charAt(0)) + 1;
    }

    private static long scaled(String text, String number, int power, int base) {
        double value = Double.parseDouble(number) * Math.pow(base, power);
        if (value >= Long.MAX_VALUE / 2.0) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return Math.round(value);
    }
}
