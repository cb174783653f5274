package dev.memflux.cli;

import dev.memflux.gate.CheckReport;
import dev.memflux.gate.Figure;
import dev.memflux.gate.Gate;
import dev.memflux.gate.Limit;
import dev.memflux.gate.Scope;
import dev.memflux.gate.ScopeFigures;
import dev.memflux.gate.TestFigures;
import dev.memflux.gate.TestPattern;
import dev.memflux.gate.TestVerdicts;
import dev.memflux.gate.Tolerance;
import dev.memflux.gate.Verdict;
import dev.memflux.pipeline.NativeFigures;
import dev.memflux.pipeline.ThreadFigures;
import dev.memflux.report.FileAnalysis;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Gates a build on memory: holds a capture's figures against limits and, given one, against a "
                + "baseline capture, and exits non-zero when a limit is exceeded.",
                "",
                "Figures: peak (bytes live at the heap's high-water mark), leaked (bytes still live when tracking "
                + "stopped), allocated (bytes allocated over the run), allocations (how many). Sizes are 1024-based "
                + "whatever the spelling: 500MB = 500MiB = 500 x 2^20 bytes, 20k = 20 KiB; counts are 1000-based "
                + "(20k = 20,000).",
                "Scopes (--where, or [where.\"SCOPE\"] in the limits file): file:GLOB (file:etl/*.py, matched against "
                + "the end of the source path; ** crosses directories) or function:GLOB (function:load_table). A "
                + "scope holds what was allocated while a matching frame was on the stack; its peak is what it held "
                + "when the whole program's heap peaked. thread:N: the allocations thread N made (1 is the thread "
                + "that started tracking, the others numbered as they first appear); its peak is the most they held "
                + "at once.",
                "A follow-fork family (FILE and FILE.<pid> beside it) is checked file by file, or summed with "
                + "--family sum (peaks then add as if simultaneous: an upper bound); a baseline is held against the "
                + "parent's file (or the summed family).",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every limit holds", "1:the capture (or baseline, or limits file) cannot be checked: "
                + "missing, not a capture, corrupt, cut short with --strict; or an output exists without -f",
                "2:usage error", "3:a limit is exceeded"},
        footer = {"", "Examples:", "  memflux check --max-peak 500MB --where 'file:etl/*.py' --junit m.xml run.bin",
                "  memflux check --baseline main.bin --tolerance 10%% --format github run.bin",
                "  memflux check --per-test --max-peak 50MB tests.bin"})
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "CAPTURE", description = "A capture file written by memflux run.")
    Path file;

    @Option(names = "--max-peak", paramLabel = "SIZE", description = "Fail if the peak heap exceeds SIZE.")
    String maxPeak;

    @Option(names = "--max-leaked", paramLabel = "SIZE",
            description = "Fail if more than SIZE was still allocated when tracking stopped.")
    String maxLeaked;

    @Option(names = "--max-allocated", paramLabel = "SIZE", description = "Fail if more than SIZE was allocated in all.")
    String maxAllocated;

    @Option(names = "--max-allocations", paramLabel = "N", description = "Fail after more than N allocations.")
    String maxAllocations;

    @Option(names = "--where", paramLabel = "SCOPE",
            description = "Apply the --max-* limits to a scope (file:GLOB, function:GLOB or thread:N) instead of the "
                    + "program.")
    String where;

    @Option(names = "--limits", paramLabel = "FILE",
            description = "Read limits from a TOML file (see the README); flags override its entries.")
    Path limitsFile;

    @Option(names = "--baseline", paramLabel = "CAPTURE",
            description = "Fail when a figure grew beyond the tolerance over this earlier capture, or when one of "
                    + "the locations that grew most grew by more than the whole figure may.")
    Path baseline;

    @Option(names = "--tolerance", paramLabel = "GROWTH",
            description = "Growth allowed over the baseline: a percentage (10%%) or an amount (+2MB). Default: 10%%.")
    String tolerance;

    @Option(names = "--movers", paramLabel = "N", defaultValue = "3",
            description = "How many of the locations that grew most are checked against the baseline "
                    + "(default: ${DEFAULT-VALUE}).")
    int movers;

    @Option(names = "--strict", description = "Refuse a capture that was cut short (the program was killed) "
            + "instead of checking what it holds.")
    boolean strict;

    @Option(names = "--family", paramLabel = "MODE", defaultValue = "each",
            description = "With --follow-fork captures: each (check every file, the default), sum (add the files "
                    + "up) or none (only CAPTURE).")
    String family;

    @Option(names = "--per-test", description = "Figures and limits per test function (pytest's test* in "
            + "test_*.py or *_test.py): the --max-* limits (and [tests] in the limits file) apply to each test; "
            + "with --baseline each test is held against the same test there (a test it lacks is reported as new, "
            + "not failed); with --where only the test's allocations in the scope count.")
    boolean perTest;

    @Option(names = "--test-pattern", paramLabel = "GLOB", defaultValue = "test*",
            description = "With --per-test: the test functions' names (default: ${DEFAULT-VALUE}).")
    String testPattern;

    @Option(names = "--test-files", paramLabel = "GLOBS", defaultValue = "test_*.py,*_test.py",
            description = "With --per-test: the test files' names, comma-separated (default: ${DEFAULT-VALUE}).")
    String testFiles;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (one line per verdict, then the top contributors), json, or github (workflow "
                    + "annotations at the file:line of each exceeded limit's top location). Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--json", description = "The same as --format json.")
    boolean json;

    @Option(names = "--junit", paramLabel = "FILE",
            description = "Also write a JUnit XML report: one test case per limit (per test with --per-test).")
    Path junit;

    @Option(names = {"-f", "--force"}, description = "Overwrite the --junit file if it exists.")
    boolean force;

    @Option(names = {"-n", "--top"}, paramLabel = "N", defaultValue = "5",
            description = "How many top contributors to show per verdict (default: ${DEFAULT-VALUE}).")
    int top;

    /**
     * Rows are innermost frames of either kind only when every capture read (checked and
     * baseline) has native stacks per allocation; otherwise all are Python rows, so that
     * a baseline's rows match the checked capture's.
     */
    private boolean nativeRows = true;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        String output = json ? "json" : format;
        if (!List.of("text", "json", "github").contains(output)) {
            throw usage("--format takes text, json or github, not '" + format + "'");
        }
        if (!List.of("each", "sum", "none").contains(family)) {
            throw usage("--family takes each, sum or none, not '" + family + "'");
        }
        if (top < 1 || movers < 0) {
            throw usage(top < 1 ? "-n must be at least 1, not " + top : "--movers cannot be negative");
        }
        if (junit != null) {
            String problem = OutputCheck.problem(junit, force);
            if (problem != null) {
                err.println("memflux: " + problem);
                return ExitCodes.INPUT;
            }
        }
        LimitsFile fromFile = LimitsFile.empty();
        if (limitsFile != null) {
            if (!Files.isRegularFile(limitsFile)) {
                err.println("memflux: no such limits file: " + limitsFile);
                return ExitCodes.INPUT;
            }
            try {
                fromFile = LimitsFile.read(limitsFile);
            } catch (IllegalArgumentException e) {
                err.println("memflux: " + e.getMessage());
                return ExitCodes.INPUT;
            }
        }
        Map<Figure, Long> flags;
        Tolerance growth;
        Scope scope;
        try {
            flags = flagLimits();
            growth = tolerance != null ? Tolerance.parse(tolerance)
                    : fromFile.tolerance() != null ? fromFile.tolerance() : Tolerance.parse("10%");
            scope = where == null ? Scope.ALL : Scope.parse(where);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        Path base = Path.of("").toAbsolutePath();
        StringBuilder table = new StringBuilder();
        List<Verdict> verdicts = perTest ? perTestVerdicts(fromFile, flags, scope, growth, base, table, err)
                : limitVerdicts(fromFile, flags, scope, growth, err);
        if (verdicts == null) {
            return ExitCodes.INPUT;
        }
        CheckReport report = new CheckReport(verdicts, base);
        switch (output) {
            case "json" -> System.out.print(report.json());
            case "github" -> System.out.print(report.github());
            default -> System.out.print(table + (table.length() == 0 ? "" : "\n") + report.text());
        }
        System.out.flush();
        if (junit != null) {
            Files.writeString(junit, report.junit(perTest));
            err.println("memflux: wrote the JUnit report to " + junit);
        }
        return report.passed() ? ExitCodes.OK : ExitCodes.LIMIT_EXCEEDED;
    }

    /**
     * Each test's figures (in {@code scope}) against its limits and its own figures in the
     * baseline, their table into {@code table}; null when a capture is unreadable.
     */
    private List<Verdict> perTestVerdicts(LimitsFile fromFile, Map<Figure, Long> flags, Scope scope, Tolerance growth,
                                          Path base, StringBuilder table, PrintWriter err) {
        Map<Figure, Long> defaults = new EnumMap<>(Figure.class);
        defaults.putAll(fromFile.testDefaults());
        defaults.putAll(flags);
        TestVerdicts tests = new TestVerdicts(defaults, fromFile.testOverrides(), base);
        TestPattern pattern = TestPattern.of(testPattern, testFiles);
        TestFigures figures = new TestFigures(pattern, scope);
        if (load(file, err, figures) == null) {
            return null;
        }
        if (figures.tests().isEmpty()) {
            err.println("memflux: " + file + ": no test function (" + testPattern + " in " + testFiles
                    + ") allocated anything" + (scope.kind() == Scope.Kind.ALL ? "" : " in " + scope));
        }
        TestFigures before = null;
        if (baseline != null) {
            before = new TestFigures(pattern, scope);
            if (load(baseline, err, before) == null) {
                return null;
            }
        }
        table.append(tests.table(figures.tests()));
        return tests.check(figures.tests(), before == null ? null : before.tests(), growth);
    }

    /** The file's limits with the flags' over them, held against the capture (or family), or null when unreadable. */
    private List<Verdict> limitVerdicts(LimitsFile fromFile, Map<Figure, Long> flags, Scope scope, Tolerance growth,
                                        PrintWriter err) throws IOException {
        Map<String, Limit> limits = new LinkedHashMap<>();
        for (Limit l : fromFile.limits()) {
            limits.put(l.figure() + " " + l.scope(), l);
        }
        flags.forEach((f, max) -> limits.put(f + " " + scope, new Limit(f, scope, max)));
        if (limits.isEmpty() && baseline == null) {
            throw usage("no limit to check: give --max-peak, --max-leaked, --max-allocated, --max-allocations, "
                    + "--limits FILE or --baseline CAPTURE");
        }
        return gateFamily(new Gate(new ArrayList<>(limits.values()), growth, movers, top), err);
    }

    /** The verdicts of every capture checked, or null when one could not be read. */
    private List<Verdict> gateFamily(Gate gate, PrintWriter err) throws IOException {
        List<Path> files = family.equals("none") ? List.of(file) : ForkFamily.of(file);
        List<Function<Scope, ScopeFigures>> captures = new ArrayList<>();
        for (Path f : files) {
            Function<Scope, ScopeFigures> figures = figures(List.of(f), err);
            if (figures == null) {
                return null;
            }
            captures.add(figures);
        }
        Function<Scope, ScopeFigures> before = null;
        if (baseline != null) {
            before = figures(family.equals("sum") ? ForkFamily.of(baseline) : List.of(baseline), err);
            if (before == null) {
                return null;
            }
        }
        if (family.equals("sum")) {
            Function<Scope, ScopeFigures> sum = memo(s -> ScopeFigures.sum(captures.stream().map(c -> c.apply(s)).toList()));
            String subject = files.size() > 1 ? file.getFileName() + " + " + (files.size() - 1) + " children" : "";
            return gate.check(subject, sum, before);
        }
        List<Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            String subject = files.size() > 1 ? files.get(i).getFileName().toString() : "";
            verdicts.addAll(gate.check(subject, captures.get(i), i == 0 ? before : null));
        }
        return verdicts;
    }

    /**
     * A scope's figures in {@code parts} (summed when several), or null after saying why
     * one cannot be checked. Thread scopes come from an observer in the same pass.
     */
    private Function<Scope, ScopeFigures> figures(List<Path> parts, PrintWriter err) {
        List<FileAnalysis> analyses = new ArrayList<>();
        List<ThreadFigures> threads = new ArrayList<>();
        List<NativeFigures> natives = new ArrayList<>();
        for (Path part : parts) {
            ThreadFigures t = new ThreadFigures();
            NativeFigures n = ReportInput.hasNativeStacks(part) ? new NativeFigures() : null;
            FileAnalysis a = load(part, err, n == null ? t : t.andThen(n));
            if (a == null) {
                return null;
            }
            analyses.add(a);
            threads.add(t);
            natives.add(n);
            nativeRows &= n != null && n.hasNativeStacks();
        }
        return memo(s -> {
            List<ScopeFigures> each = new ArrayList<>();
            for (int i = 0; i < analyses.size(); i++) {
                FileAnalysis a = analyses.get(i);
                each.add(s.kind() == Scope.Kind.THREAD ? ScopeFigures.of(threads.get(i), s.thread(), a.totals().stacks())
                        : ScopeFigures.of(a.totals(), s, nativeRows ? natives.get(i) : null));
            }
            return each.size() == 1 ? each.get(0) : ScopeFigures.sum(each);
        });
    }

    private static Function<Scope, ScopeFigures> memo(Function<Scope, ScopeFigures> f) {
        Map<Scope, ScopeFigures> known = new HashMap<>();
        return s -> known.computeIfAbsent(s, f);
    }

    /** A capture read for checking, or null after saying why it cannot be checked. */
    private FileAnalysis load(Path capture, PrintWriter err, java.util.function.Consumer<dev.memflux.format.EventBatch> observer) {
        FileAnalysis a = ReportInput.analyze(capture, err, observer);
        if (a != null && a.cutShort()) {
            if (strict) {
                err.println("memflux: " + capture + " was cut short (" + a.cutShortReason() + "): not checked (--strict)");
                return null;
            }
            err.println("memflux: warning: " + capture + " was cut short (" + a.cutShortReason()
                    + "): checking what it holds");
        }
        return a;
    }

    private Map<Figure, Long> flagLimits() {
        Map<Figure, Long> limits = new EnumMap<>(Figure.class);
        String[] given = {maxPeak, maxLeaked, maxAllocated, maxAllocations};
        for (Figure f : Figure.values()) {
            String text = given[f.ordinal()];
            if (text != null) {
                try {
                    limits.put(f, f.parse(text));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(f.flag + ": " + e.getMessage());
                }
            }
        }
        return limits;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
