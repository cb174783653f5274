package dev.memflux.gate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Per-test limits held against per-test figures: each test gets the default limits,
 * replaced figure by figure by those of the first pattern that matches its function name
 * (or its {@code file::function} id). A test is named as pytest names it,
 * {@code path/test_file.py::test_name}, its path relative to {@code base} when under it.
 */
public final class TestVerdicts {
    private final Map<Figure, Long> defaults;
    private final Map<String, Map<Figure, Long>> overrides;
    private final Path base;

    public TestVerdicts(Map<Figure, Long> defaults, Map<String, Map<Figure, Long>> overrides, Path base) {
        this.defaults = defaults;
        this.overrides = overrides;
        this.base = base;
    }

    public String id(TestFigures.Test test) {
        return CheckReport.relative(test.location().file(), base) + "::" + test.location().function();
    }

    /** One verdict per limited figure of each test; a test with no limit has none. */
    public List<Verdict> check(List<TestFigures.Test> tests) {
        return check(tests, null, null);
    }

    /**
     * As {@link #check(List)}, and against the same tests of a baseline run ({@code before},
     * null without one): each test's limited figures (all four when it has no limit) may grow
     * by {@code tolerance} over its own baseline figures. A test the baseline does not have
     * gets one verdict saying so ({@link Verdict#isNew()}), which passes.
     */
    public List<Verdict> check(List<TestFigures.Test> tests, List<TestFigures.Test> before, Tolerance tolerance) {
        Map<String, TestFigures.Test> was = new HashMap<>();
        if (before != null) {
            before.forEach(t -> was.put(id(t), t));
        }
        List<Verdict> verdicts = new ArrayList<>();
        for (TestFigures.Test test : tests) {
            String id = id(test);
            TestFigures.Test old = was.get(id);
            Map<Figure, Long> limits = limitsFor(test, id);
            for (Map.Entry<Figure, Long> limit : limits.entrySet()) {
                Figure f = limit.getKey();
                verdicts.add(new Verdict(id, f, Scope.ALL, null, test.value(f), limit.getValue(),
                        old == null ? -1 : old.value(f), null, top(test, f)));
            }
            if (before == null) {
                continue;
            }
            List<Figure> compared = new ArrayList<>(limits.isEmpty() ? List.of(Figure.values()) : limits.keySet());
            compared.removeIf(f -> !tolerance.appliesTo(f));
            if (old == null) {
                Figure f = compared.isEmpty() ? Figure.PEAK : compared.get(0);
                verdicts.add(new Verdict(id, f, Scope.ALL, null, test.value(f), Long.MAX_VALUE, -1, tolerance,
                        top(test, f)));
                continue;
            }
            for (Figure f : compared) {
                verdicts.add(new Verdict(id, f, Scope.ALL, null, test.value(f), tolerance.allowed(f, old.value(f)),
                        old.value(f), tolerance, top(test, f)));
            }
        }
        return verdicts;
    }

    private static List<ScopeFigures.Contribution> top(TestFigures.Test test, Figure f) {
        return List.of(new ScopeFigures.Contribution(test.location(), test.value(f)));
    }

    private Map<Figure, Long> limitsFor(TestFigures.Test test, String id) {
        Map<Figure, Long> limits = new EnumMap<>(Figure.class);
        limits.putAll(defaults);
        for (Map.Entry<String, Map<Figure, Long>> o : overrides.entrySet()) {
            Pattern p = Pattern.compile(Scope.regex(o.getKey()));
            if (p.matcher(test.location().function()).matches() || p.matcher(id).matches()) {
                limits.putAll(o.getValue());
                break;
            }
        }
        return limits;
    }

    /** The figures of every test, a table for people. */
    public String table(List<TestFigures.Test> tests) {
        StringBuilder out = new StringBuilder(String.format("%14s %14s %12s %14s  %s%n", "peak", "allocated",
                "allocations", "leaked", "test"));
        for (TestFigures.Test t : tests) {
            out.append(String.format("%14s %14s %12s %14s  %s%n", Figure.PEAK.format(t.peak()),
                    Figure.ALLOCATED.format(t.allocated()), Figure.ALLOCATIONS.format(t.allocations()),
                    Figure.LEAKED.format(t.leaked()), id(t)));
        }
        return out.toString();
    }
}
