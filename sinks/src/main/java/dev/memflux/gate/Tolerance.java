package dev.memflux.gate;

import java.util.Locale;

/**
 * How much a figure may grow over its baseline before a gate fails: a fraction of the
 * baseline ({@code 10%}) or an absolute amount ({@code +2MB}, {@code +500} for counts).
 */
public record Tolerance(double fraction, String absolute) {
    public static Tolerance parse(String text) {
        String t = text.trim();
        if (t.endsWith("%")) {
            double percent;
            try {
                percent = Double.parseDouble(t.substring(0, t.length() - 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a tolerance (examples: 10%, +2MB)");
            }
            if (percent < 0) {
                throw new IllegalArgumentException("a tolerance cannot be negative: '" + text + "'");
            }
            return new Tolerance(percent / 100, null);
        }
        if (!t.startsWith("+")) {
            throw new IllegalArgumentException("'" + text + "' is not a tolerance: a percentage (10%) or an absolute "
                    + "growth with a plus sign (+2MB)");
        }
        Quantities.size(t.substring(1)); // checked now, read per figure
        return new Tolerance(0, t.substring(1));
    }

    /** Whether it says how much {@code figure} may grow: {@code +2MB} says nothing of a count of allocations. */
    public boolean appliesTo(Figure figure) {
        if (absolute == null) {
            return true;
        }
        try {
            figure.parse(absolute);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The largest value {@code figure} may reach over {@code baseline}. */
    public long allowed(Figure figure, long baseline) {
        if (absolute != null) {
            return baseline + figure.parse(absolute);
        }
        return baseline + (long) Math.floor(baseline * fraction);
    }

    @Override
    public String toString() {
        return absolute != null ? "+" + absolute : String.format(Locale.ROOT, "%s%%", trim(fraction * 100));
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
