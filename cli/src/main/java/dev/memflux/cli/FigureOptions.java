package dev.memflux.cli;

import dev.memflux.pipeline.TemporaryAllocations;
import dev.memflux.report.FileAnalysis;
import dev.memflux.report.NodeFigures;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * memray's choice of what a report shows, as one mixin: the peak (the default),
 * {@code --leaks}, or {@code --temporary-allocations} / {@code --temporary-allocation-threshold N}
 * (mutually exclusive, as in memray).
 */
final class FigureOptions {
    @Option(names = "--leaks", description = "Show what was still allocated when tracking stopped (leaks), "
            + "instead of the memory live at the heap's peak.")
    boolean leaks;

    @Option(names = "--temporary-allocations", description = "Show temporary allocations: the same as "
            + "--temporary-allocation-threshold=1.")
    boolean temporary;

    @Option(names = "--temporary-allocation-threshold", paramLabel = "N", description = "Show temporary allocations, "
            + "instead of leaks or the peak: an allocation is temporary if at most N other allocations happen on its "
            + "thread before it is freed (with N=0, only if it is freed before its thread allocates anything else).")
    Integer threshold;

    /** Refuses combinations memray refuses; call before reading the capture. */
    void check(CommandLine cli) {
        int chosen = (leaks ? 1 : 0) + (temporary || threshold != null ? 1 : 0);
        if (chosen > 1) {
            throw new CommandLine.ParameterException(cli,
                    "--leaks and --temporary-allocations/--temporary-allocation-threshold exclude each other");
        }
        if (temporary && threshold != null && threshold != 1) {
            throw new CommandLine.ParameterException(cli,
                    "--temporary-allocations means --temporary-allocation-threshold=1; give one of them");
        }
        if (threshold != null && (threshold < 0 || threshold > TemporaryAllocations.MAX_THRESHOLD)) {
            throw new CommandLine.ParameterException(cli, "--temporary-allocation-threshold must be from 0 to "
                    + TemporaryAllocations.MAX_THRESHOLD + ", not " + threshold);
        }
    }

    /** Whether anything but the default (the peak) was asked for. */
    boolean chosen() {
        return leaks || temporary || threshold != null;
    }

    /** The engine to run beside the aggregator, or null when temporaries are not asked for. */
    TemporaryAllocations temporaryEngine() {
        if (threshold != null) {
            return new TemporaryAllocations(threshold);
        }
        return temporary ? new TemporaryAllocations(1) : null;
    }

    /**
     * True when a report cannot go on: the capture could not be read (said already), or
     * temporaries were asked of an aggregated capture, which has no events (said here).
     */
    static boolean unusable(FileAnalysis analysis, TemporaryAllocations engine, java.io.PrintWriter err) {
        return analysis == null || (engine != null && analysis.refuseAggregated("temporary allocations", err));
    }

    NodeFigures figures(FileAnalysis analysis, TemporaryAllocations engine) {
        if (engine != null) {
            return NodeFigures.temporary(analysis.totals(), engine);
        }
        return leaks ? NodeFigures.leaks(analysis.totals()) : NodeFigures.peak(analysis.totals());
    }
}
