package dev.memflux.gate;

import dev.memflux.report.Location;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Holds a capture's figures against limits and, given one, a baseline. Against a baseline
 * each figure may grow by the tolerance, and so may each of the locations that grew most
 * (the top movers): a location fails when it alone grew by more than the whole figure
 * may, so that a new small allocation site does not fail a build the figure passes.
 */
public final class Gate {
    private final List<Limit> limits;
    private final Tolerance tolerance;
    private final int movers;
    private final int top;

    /**
     * @param tolerance the growth allowed over a baseline
     * @param movers how many of the locations that grew most are checked per figure
     * @param top how many contributors each verdict keeps
     */
    public Gate(List<Limit> limits, Tolerance tolerance, int movers, int top) {
        this.limits = List.copyOf(limits);
        this.tolerance = tolerance;
        this.movers = movers;
        this.top = top;
    }

    /** The scopes whose figures {@link #check} will ask for. */
    public Set<Scope> scopes() {
        Set<Scope> scopes = new LinkedHashSet<>();
        for (Limit limit : limits) {
            scopes.add(limit.scope());
        }
        if (scopes.isEmpty()) {
            scopes.add(Scope.ALL);
        }
        return scopes;
    }

    /**
     * @param now a scope's figures in the checked capture
     * @param baseline the same in the baseline, or null without one
     */
    public List<Verdict> check(String subject, Function<Scope, ScopeFigures> now, Function<Scope, ScopeFigures> baseline) {
        List<Verdict> verdicts = new ArrayList<>();
        for (Limit limit : limits) {
            ScopeFigures f = now.apply(limit.scope());
            long before = baseline == null ? -1 : baseline.apply(limit.scope()).value(limit.figure());
            verdicts.add(new Verdict(subject, limit.figure(), limit.scope(), null, f.value(limit.figure()), limit.max(),
                    before, null, head(f.contributors(limit.figure()))));
        }
        if (baseline != null) {
            for (Map.Entry<Scope, Set<Figure>> e : compared().entrySet()) {
                for (Figure figure : e.getValue()) {
                    if (!tolerance.appliesTo(figure)) {
                        continue;
                    }
                    against(verdicts, subject, figure, e.getKey(), now.apply(e.getKey()), baseline.apply(e.getKey()));
                }
            }
        }
        return verdicts;
    }

    /** Against a baseline: the figures limited, or all four of the whole program when no limit was given. */
    private Map<Scope, Set<Figure>> compared() {
        Map<Scope, Set<Figure>> compared = new java.util.LinkedHashMap<>();
        for (Limit limit : limits) {
            compared.computeIfAbsent(limit.scope(), s -> new LinkedHashSet<>()).add(limit.figure());
        }
        if (compared.isEmpty()) {
            compared.put(Scope.ALL, new LinkedHashSet<>(List.of(Figure.values())));
        }
        return compared;
    }

    private void against(List<Verdict> verdicts, String subject, Figure figure, Scope scope, ScopeFigures now,
                         ScopeFigures before) {
        long was = before.value(figure);
        long allowed = tolerance.allowed(figure, was);
        verdicts.add(new Verdict(subject, figure, scope, null, now.value(figure), allowed, was, tolerance,
                head(now.contributors(figure))));
        long growth = allowed - was;
        Map<Location, long[]> moved = new HashMap<>();
        for (ScopeFigures.Contribution c : now.contributors(figure)) {
            moved.computeIfAbsent(c.location(), l -> new long[2])[1] = c.value();
        }
        for (ScopeFigures.Contribution c : before.contributors(figure)) {
            moved.computeIfAbsent(c.location(), l -> new long[2])[0] = c.value();
        }
        List<Map.Entry<Location, long[]>> grown = new ArrayList<>();
        for (Map.Entry<Location, long[]> e : moved.entrySet()) {
            if (e.getValue()[1] > e.getValue()[0]) {
                grown.add(e);
            }
        }
        grown.sort(Comparator.comparingLong((Map.Entry<Location, long[]> e) -> e.getValue()[0] - e.getValue()[1])
                .thenComparing(e -> e.getKey().key()));
        for (Map.Entry<Location, long[]> e : grown.subList(0, Math.min(movers, grown.size()))) {
            long[] v = e.getValue();
            verdicts.add(new Verdict(subject, figure, scope, e.getKey(), v[1], v[0] + growth, v[0], tolerance, List.of()));
        }
    }

    private List<ScopeFigures.Contribution> head(List<ScopeFigures.Contribution> all) {
        return List.copyOf(all.subList(0, Math.min(top, all.size())));
    }
}
