package dev.memflux.gate;

import dev.memflux.report.Location;
import java.util.List;
import java.util.Locale;

/**
 * One checked figure: what it was, what it was held against, and where it came from.
 *
 * @param subject the capture file (or test) it belongs to, "" when only one was checked
 * @param location for a per-location baseline check, the location that moved; else null
 * @param max the largest value that passes
 * @param baseline the baseline's value, or -1 without a baseline
 * @param tolerance how {@code max} was derived from the baseline, or null for a fixed limit
 * @param top the largest contributors, largest first
 */
public record Verdict(String subject, Figure figure, Scope scope, Location location, long actual, long max,
                      long baseline, Tolerance tolerance, List<ScopeFigures.Contribution> top) {
    public boolean passed() {
        return actual <= max;
    }

    /** Against a baseline that has no such subject (a test added since): reported, never failed. */
    public boolean isNew() {
        return tolerance != null && baseline < 0;
    }

    /** What was checked, for JUnit test names: {@code peak of function:load_* <= 500.00 MiB}. */
    public String name() {
        StringBuilder s = new StringBuilder(figure.key);
        if (location != null) {
            s.append(" at ").append(location);
        } else if (scope.kind() != Scope.Kind.ALL) {
            s.append(" of ").append(scope);
        }
        if (tolerance != null) {
            s.append(" within baseline ").append(tolerance);
        } else {
            s.append(" <= ").append(figure.format(max));
        }
        return s.toString();
    }

    /**
     * The verdict in one line: {@code FAIL peak 612.40 MiB > 500.00 MiB (+18% vs baseline),
     * top: load_table (etl/load.py:88) 410.00 MiB}; against a baseline, {@code FAIL peak
     * 61.99 MiB > 52.45 MiB (+30% vs baseline 47.68 MiB, tolerance 10%), top: ...}.
     */
    public String line() {
        StringBuilder s = new StringBuilder(isNew() ? "NEW " : passed() ? "PASS " : "FAIL ");
        if (!subject.isEmpty()) {
            s.append('[').append(subject).append("] ");
        }
        s.append(figure.key);
        if (location != null) {
            s.append(" at ").append(location);
        } else if (scope.kind() != Scope.Kind.ALL) {
            s.append(" of ").append(scope);
        }
        s.append(' ').append(figure.format(actual));
        if (isNew()) {
            s.append(" (not in the baseline)");
        } else {
            s.append(passed() ? " <= " : " > ").append(figure.format(max));
        }
        if (tolerance != null && !isNew()) {
            s.append(" (").append(change(actual, baseline)).append(" vs baseline ").append(figure.format(baseline))
                    .append(", tolerance ").append(tolerance).append(')');
        } else if (baseline >= 0) {
            s.append(" (").append(change(actual, baseline)).append(" vs baseline)");
        }
        if (location == null && !top.isEmpty()) {
            ScopeFigures.Contribution first = top.get(0);
            s.append(", top: ").append(first.location()).append(' ').append(figure.format(first.value()));
        }
        return s.toString();
    }

    /** A change in percent of the old value: {@code +18%}, {@code -3%}, {@code new} when there was none. */
    public static String change(long now, long before) {
        if (before == 0) {
            return now == 0 ? "+0%" : "new";
        }
        double percent = (now - before) * 100.0 / before;
        return String.format(Locale.ROOT, "%+.0f%%", percent);
    }
}
