package dev.memflux.cli;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code memflux run}'s usual command lines, read without picocli so that the program
 * starts sooner. picocli's classes are Java 5 class files, which the class-data archive
 * cannot hold, and it models a command by reflection: measured on {@code run -c pass},
 * 80-100 ms of the 0.23 s between {@code memflux run} and the program's first line.
 *
 * <p>Only the common options are read here, each at most once, as {@code --name value},
 * {@code --name=value} or a lone short flag. Everything else (help, options this class does
 * not know, clustered short flags, repeats, any usage error {@link RunCommand} finds) is
 * left to picocli, which parses the same line again and says what is wrong: nothing has
 * run by then, since every usage check comes before the program starts. Runs on the main
 * thread, before anything else.
 */
final class FastRunArguments {
    /** Thrown by {@link RunCommand} for a usage error when picocli did not parse the line. */
    static final class LeaveToPicocli extends RuntimeException {
        LeaveToPicocli() {
            super(null, null, false, false);
        }
    }

    private FastRunArguments() {}

    /** Runs {@code argv} when it is a plain {@code run} line; null when picocli must take it. */
    static Integer run(String[] argv) {
        RunCommand run = parse(argv);
        if (run == null) {
            return null;
        }
        PrintWriter err = new PrintWriter(System.err, true);
        run.fastErr = err;
        try {
            return run.call();
        } catch (LeaveToPicocli e) {
            return null;
        } catch (Exception e) {
            err.println("memflux: " + Problems.describe(e));
            return ExitCodes.INPUT;
        }
    }

    /** The command with its fields set as picocli would set them, or null. */
    static RunCommand parse(String[] argv) {
        if (argv.length < 2 || !argv[0].equals("run")) {
            return null;
        }
        RunCommand run = new RunCommand();
        run.python = "python3";
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < argv.length; i++) {
            String arg = argv[i];
            if (arg.equals("--")) {
                run.positional = rest(argv, i + 1);
                return run;
            }
            if (!arg.startsWith("-") || arg.equals("-")) {
                run.positional = rest(argv, i);
                return run;
            }
            String name = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            String option = longName(name);
            if (option == null || !seen.add(option)) {
                return null;
            }
            if (option.equals("--sample-rate") && value == null) {
                return null; // its value is optional: whether the next word is it is picocli's to say
            }
            boolean takesValue = option.equals("--output") || option.equals("--python") || option.equals("-m")
                    || option.equals("-c") || option.equals("--sample-rate");
            if (takesValue && value == null) {
                if (i + 1 == argv.length) {
                    return null;
                }
                value = argv[++i];
            }
            if (takesValue != (value != null) || takesValue && (value.isEmpty() || value.startsWith("-"))) {
                return null;
            }
            switch (option) {
                case "--output" -> {
                    try {
                        run.output = Path.of(value);
                    } catch (InvalidPathException e) {
                        return null;
                    }
                }
                case "--python" -> run.python = value;
                case "--sample-rate" -> run.sampleRate = value;
                case "-m", "-c" -> {
                    if (option.equals("-m")) {
                        run.module = value;
                    } else {
                        run.command = value;
                    }
                    // As python does: all that follows is the program's.
                    run.positional = rest(argv, i + 1);
                    return run;
                }
                case "--force" -> run.force = true;
                case "--quiet" -> run.quiet = true;
                case "--compress-on-exit" -> run.compressOnExit = true;
                case "--no-compress" -> run.noCompress = true;
                case "--native" -> run.nativeTraces = true;
                case "--trace-python-allocators" -> run.tracePythonAllocators = true;
                case "--follow-fork" -> run.followFork = true;
                case "--aggregate" -> run.aggregate = true;
                default -> {
                    return null;
                }
            }
        }
        return run; // no program named: RunCommand says so (through picocli)
    }

    private static String longName(String name) {
        return switch (name) {
            case "-o", "--output" -> "--output";
            case "-f", "--force" -> "--force";
            case "-q", "--quiet" -> "--quiet";
            case "--python", "--compress-on-exit", "--no-compress", "--native", "--trace-python-allocators",
                    "--follow-fork", "--aggregate", "--sample-rate", "-m", "-c" -> name;
            default -> null;
        };
    }

    private static List<String> rest(String[] argv, int from) {
        List<String> rest = new ArrayList<>(argv.length - from);
        for (int i = from; i < argv.length; i++) {
            rest.add(argv[i]);
        }
        return rest;
    }
}
