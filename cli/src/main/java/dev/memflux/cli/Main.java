package dev.memflux.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code memflux} command. Exit codes: 0 success; 1 the input could not be read (a
 * missing, foreign, corrupt file...); 2 a usage error; {@code run} exits with the
 * profiled program's own code (128 + N when a signal N ended it).
 */
@Command(name = "memflux", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "A memory profiler for Python programs.",
        subcommands = {RunCommand.class, StatsCommand.class, SummaryCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Start with: memflux run script.py, then memflux stats on the file it wrote."})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this directly). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.getSubcommands().get("run").setStopAtPositional(true);
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

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (run, stats, summary)");
    }
}
