package dev.memflux.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code memflux} command. Exit codes: 0 success; 1 the input could not be read (a
 * missing, foreign, corrupt file...); 2 a usage error; 3 {@code check}: a limit exceeded;
 * {@code run} exits with the profiled program's own code (128 + N when a signal N ended it).
 */
@Command(name = "memflux", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "A memory profiler for Python programs.",
        footer = {"", "Start with: memflux run script.py, then memflux stats on the file it wrote."})
public final class Main implements Runnable {
    /** Every command, in the order help lists them. */
    private static final List<String> COMMANDS =
            List.of("run", "stats", "summary", "flamegraph", "table", "tree", "transform", "check", "diff", "live");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (System.getProperty("jna.tmpdir") == null && !java.nio.file.Path.of(System.getProperty("user.home", ""))
                .isAbsolute()) {
            // No home (a uid with no passwd entry has "?"): JNA would unpack its library
            // under "?/.cache" in the current directory.
            System.setProperty("jna.tmpdir", System.getProperty("java.io.tmpdir"));
        }
        Integer fast = FastRunArguments.run(args);
        System.exit(fast != null ? fast : execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this directly). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        // picocli models each subcommand by reflection, which costs tens of milliseconds
        // before the program can start: register only the one asked for (all for help).
        String first = args.length > 0 ? args[0] : "";
        if (COMMANDS.contains(first)) {
            cli.addSubcommand(first, subcommand(first));
        } else {
            for (String name : COMMANDS) {
                cli.addSubcommand(name, subcommand(name));
            }
            cli.addSubcommand("help", new CommandLine.HelpCommand());
        }
        if (cli.getSubcommands().containsKey("run")) {
            cli.getSubcommands().get("run").setStopAtPositional(true);
        }
        cli.setParameterExceptionHandler((e, argv) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("memflux: " + e.getMessage());
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCodes.USAGE;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("memflux: " + Problems.describe(e));
            return ExitCodes.INPUT;
        });
        return cli.execute(RunCommand.separateProgramArguments(args));
    }

    private static Object subcommand(String name) {
        return switch (name) {
            case "run" -> new RunCommand();
            case "stats" -> new StatsCommand();
            case "tree" -> new TreeCommand();
            case "transform" -> new TransformCommand();
            case "check" -> new CheckCommand();
            case "diff" -> new DiffCommand();
            case "live" -> new LiveCommand();
            case "flamegraph" -> new FlamegraphCommand();
            case "table" -> new TableCommand();
            default -> new SummaryCommand();
        };
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a command is required (" + String.join(", ", COMMANDS) + ")");
    }
}
