package dev.memflux.cli;

import dev.memflux.capture.PythonLauncher;
import dev.memflux.gate.Quantities;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = {"memflux run [options] FILE [args...]",
                "       memflux run [options] -m MODULE [args...]",
                "       memflux run [options] -c COMMAND [args...]"},
        description = {"Run a Python program and record every allocation and deallocation it makes, with the "
                + "Python call stack of each, into a capture file. A drop-in for 'memray run': the same flags "
                + "with the same meanings.",
                "",
                "The program's arguments, standard streams, signals and exit code are its own: memflux exits "
                + "with the program's exit code, and passes on the signals sent to it. Programs it starts with "
                + "exec are not tracked."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"N:the program's own exit code (128+S when signal S ended it)",
                "1:memflux could not run it (output exists without -f or cannot be written, missing script, "
                        + "no python, not CPython 3.8+)",
                "2:usage error"})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Where to write the capture (default: memflux-<script>.<pid>.bin in the current directory, "
                    + "<pid> being memflux's own).")
    Path output;

    @Option(names = {"-f", "--force"}, description = "Overwrite the output file if it exists.")
    boolean force;

    @Option(names = {"-q", "--quiet"}, description = "Say nothing about where the capture went.")
    boolean quiet;

    @Option(names = "--compress-on-exit", description = "Compress the capture with lz4 (the default).")
    boolean compressOnExit;

    @Option(names = "--no-compress", description = "Store the capture's blocks uncompressed.")
    boolean noCompress;

    @Option(names = "--python", paramLabel = "PATH", defaultValue = "python3",
            description = "The Python interpreter to run (default: ${DEFAULT-VALUE} on PATH).")
    String python;

    @Option(names = "-m", paramLabel = "MODULE", description = "Run a library module as a script, like python -m.")
    String module;

    @Option(names = "-c", paramLabel = "COMMAND", description = "Run a program passed in as a string, like python -c.")
    String command;

    @Option(names = "--native", description = "Record the native (C/C++) stack of every allocation too, with "
            + "inlined functions, merged with the Python frames in every report. Symbols are resolved during the "
            + "capture (libdw, else ELF symbol tables) and stored in the file, so reports work on any machine.")
    boolean nativeTraces;

    @Option(names = "--trace-python-allocators",
            description = "Record every allocation and free through Python's object and memory allocators "
                    + "(pymalloc) as its own event, so small objects appear one by one (PYMALLOC_* in the allocator "
                    + "distribution) instead of hidden in pymalloc's arenas. Slower, and larger captures.")
    boolean tracePythonAllocators;

    @Option(names = "--live", description = "Run the program in the background and show a live terminal view of "
            + "its memory (see 'memflux live --help' for the keys). The program's stdout and stderr go to a file "
            + "shown in the view; its stdin is empty. Quitting the view stops the program (SIGTERM). No capture "
            + "file unless -o is given.")
    boolean live;

    @Option(names = "--live-remote", description = "Serve a live feed on 127.0.0.1 (a free port unless -p is "
            + "given), wait for a first 'memflux live PORT' to connect, then run the program. Viewers may leave and "
            + "new ones connect at any time; a slow or stopped viewer never slows the program. No capture file "
            + "unless -o is given.")
    boolean liveRemote;

    @Option(names = {"-p", "--live-port"}, paramLabel = "PORT",
            description = "The port --live-remote listens on (default: a free one).")
    Integer livePort;

    @Option(names = "--follow-fork", description = "Track forked children too (grandchildren, multiprocessing's "
            + "fork workers), each into its own file: <output>.<child pid>. A child that execs is followed up to its "
            + "exec, not into the program it runs. Children still running when the program ends are waited for, "
            + "10 s at most. With --aggregate each child's file is aggregated too.")
    boolean followFork;

    @Option(names = "--aggregate", description = "Write an aggregated capture instead of every event: for each stack "
            + "(native frames too with --native), the allocations and bytes live at the heap's peak, still live when "
            + "tracking stopped (leaks), and allocated and freed over the whole run, plus the run's totals. Its size "
            + "grows with the number of distinct stacks, not with the run's length. It is rewritten atomically every "
            + "5 s of capture time and whenever the program's stream pauses (at most once a second), so it is valid "
            + "while the program runs, and says how the program ended (killed, "
            + "crashed). stats, summary and the other reports of figures read it; those that need every event "
            + "(temporary allocations) refuse it.")
    boolean aggregate;

    @Option(names = "--sample-rate", paramLabel = "BYTES", arity = "0..1", fallbackValue = "512KiB",
            description = {"Record a sample of the allocations instead of every one: each allocation is kept with a "
                    + "probability proportional to its size, one per BYTES allocated on average (default when the "
                    + "flag has no value: ${FALLBACK-VALUE}; sizes as 64KiB, 1MiB or bytes), and with it its free. "
                    + "Much cheaper; every report scales the kept allocations into estimates of the exact figures "
                    + "and says that they are estimates. Mappings (mmap) are always all recorded."})
    String sampleRate;

    @Parameters(paramLabel = "FILE [args...]", arity = "0..*",
            description = "The script to run and its arguments (with -m or -c: the program's arguments).")
    List<String> positional = new ArrayList<>();

    /** Where to say things when {@link FastRunArguments} read the line (no picocli spec then). */
    PrintWriter fastErr;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec != null ? spec.commandLine().getErr() : fastErr;
        String liveProblem = liveProblem();
        if (liveProblem != null) {
            err.println("memflux: " + liveProblem);
            return ExitCodes.USAGE;
        }
        PythonLauncher.Mode mode;
        String target;
        List<String> args;
        if (module != null && command != null) {
            throw usage("-m and -c cannot be used together");
        }
        if (module != null) {
            mode = PythonLauncher.Mode.MODULE;
            target = module;
            args = positional;
        } else if (command != null) {
            mode = PythonLauncher.Mode.COMMAND;
            target = command;
            args = positional;
        } else if (!positional.isEmpty()) {
            mode = PythonLauncher.Mode.FILE;
            target = positional.get(0);
            args = positional.subList(1, positional.size());
        } else {
            throw usage("give a script to run, -m MODULE or -c COMMAND");
        }
        if (compressOnExit && noCompress) {
            throw usage("--compress-on-exit and --no-compress contradict each other");
        }
        if (mode == PythonLauncher.Mode.FILE && !Files.isRegularFile(Path.of(target))) {
            err.println("memflux: " + (Files.exists(Path.of(target)) ? "not a file: " : "no such file: ") + target);
            return ExitCodes.INPUT;
        }
        boolean liveMode = live || liveRemote;
        // A live run writes a capture only when asked to: the view is what was asked for.
        Path out = output != null || liveMode ? output : Path.of(defaultOutputName(mode, target));
        String unwritable = out == null ? null : OutputCheck.problem(out, force);
        if (unwritable != null) {
            err.println("memflux: " + unwritable);
            return ExitCodes.INPUT;
        }
        long sampleMeanBytes = 0;
        if (sampleRate != null) {
            try {
                sampleMeanBytes = Quantities.size(sampleRate);
            } catch (IllegalArgumentException e) {
                throw usage("--sample-rate: " + e.getMessage());
            }
            if (sampleMeanBytes < 1 || sampleMeanBytes > 1L << 30) {
                throw usage("--sample-rate must be between 1 byte and 1 GiB, not " + sampleRate);
            }
        }
        RunLauncher launcher = new RunLauncher(err, out, !noCompress, quiet, nativeTraces, tracePythonAllocators,
                followFork, aggregate).sampling(sampleMeanBytes);
        if (liveMode) {
            return new LiveRun(err, launcher, live, livePort == null ? 0 : livePort).run(python, mode, target, args);
        }
        return launcher.run(python, mode, target, args);
    }

    /** The live flags' own problems, each one line. */
    private String liveProblem() {
        if (aggregate && (live || liveRemote)) {
            return (live ? "--live" : "--live-remote") + " cannot be used with --aggregate (the live view shows "
                    + "what is live now; an aggregated capture keeps only the end)";
        }
        if (live && liveRemote) {
            return "--live and --live-remote cannot be used together (--live shows the view here)";
        }
        if (livePort != null && !liveRemote) {
            return "--live-port goes with --live-remote";
        }
        if (livePort != null && (livePort < 1 || livePort > 65535)) {
            return "--live-port must be a port from 1 to 65535, not " + livePort;
        }
        if (live && System.console() == null) {
            return "--live needs a terminal on stdin and stdout; use --live-remote and 'memflux live PORT --print' "
                    + "without one";
        }
        return null;
    }

    private CommandLine.ParameterException usage(String message) {
        if (spec == null) {
            throw new FastRunArguments.LeaveToPicocli();
        }
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** memray's naming: {@code memflux-<stem>.<pid>.bin}, the stem being the script's, the module's, or "string". */
    static String defaultOutputName(PythonLauncher.Mode mode, String target) {
        String stem = switch (mode) {
            case FILE -> {
                String name = Path.of(target).getFileName().toString();
                yield name.endsWith(".py") ? name.substring(0, name.length() - 3) : name;
            }
            case MODULE -> target;
            case COMMAND -> "string";
        };
        return "memflux-" + stem + "." + ProcessHandle.current().pid() + ".bin";
    }

    /**
     * Moves everything after the program's name (the script, or -m/-c and their value) behind
     * a "--", so the program's own options are never taken for memflux's: like python itself,
     * {@code memflux run -m mod --flag} gives {@code --flag} to the module.
     */
    static String[] separateProgramArguments(String[] argv) {
        if (argv.length == 0 || !argv[0].equals("run")) {
            return argv;
        }
        // (--sample-rate's value is optional: give it as --sample-rate=SIZE before the script.)
        List<String> withValue = List.of("-o", "--output", "--python", "-p", "--live-port");
        for (int i = 1; i < argv.length; i++) {
            String a = argv[i];
            if (a.equals("--")) {
                return argv;
            }
            if (withValue.contains(a)) {
                i++;
            } else if (a.equals("-m") || a.equals("-c")) {
                return insertSeparator(argv, Math.min(i + 2, argv.length));
            } else if (!a.startsWith("-") || a.equals("-")) {
                return insertSeparator(argv, i);
            }
        }
        return argv;
    }

    private static String[] insertSeparator(String[] argv, int at) {
        if (at >= argv.length) {
            return argv;
        }
        List<String> out = new ArrayList<>(List.of(argv).subList(0, at));
        out.add("--");
        out.addAll(List.of(argv).subList(at, argv.length));
        return out.toArray(String[]::new);
    }
}
