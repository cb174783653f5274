package dev.memflux.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real memflux CLI (the shaded jar) as a user would, capturing what it prints. */
final class Memflux {
    static final Path JAR = Path.of(System.getProperty("memflux.jar", "../../cli/target/memflux.jar")).toAbsolutePath();
    static final Path PROGRAMS = Path.of("resources/programs").toAbsolutePath();
    static final Path CACHE = Path.of("target/agent-cache").toAbsolutePath();

    /** What a finished command left behind. */
    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    static Path program(String name) {
        return PROGRAMS.resolve(name);
    }

    static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        return runWithInput(workDir, null, args);
    }

    static Result runWithInput(Path workDir, String stdin, String... args) throws IOException, InterruptedException {
        return runWith(workDir, stdin, java.util.Map.of(), args);
    }

    /** Runs memflux with extra environment variables (for the program and the agent too). */
    static Result runWith(Path workDir, String stdin, java.util.Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        return runWithJvm(workDir, List.of(), stdin, env, args);
    }

    /**
     * The command line of memflux as the tests run it: {@code wrapper} first (setsid, nohup,
     * or nothing), then java with {@code jvmOptions}, the jar and memflux's arguments.
     */
    static List<String> command(List<String> wrapper, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of("java", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * Every memflux a test starts is made here: in {@code workDir}, with the test run's
     * one agent cache (outside the source tree: some tests run in the programs' directory,
     * as "python -m" needs). A test that drives a running memflux (signals, kills) starts
     * it itself from this builder and bounds each wait.
     */
    static ProcessBuilder process(Path workDir, List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().put("XDG_CACHE_HOME", CACHE.toString());
        return builder;
    }

    /** Runs memflux in a JVM given {@code jvmOptions} too (e.g. a small heap: "-Xmx24m"). */
    static Result runWithJvm(Path workDir, List<String> jvmOptions, String stdin, java.util.Map<String, String> env,
                             String... args) throws IOException, InterruptedException {
        return runCommand(workDir, command(List.of(), jvmOptions, args), stdin, env);
    }

    /** Runs memflux under {@code wrapper} (e.g. nohup). */
    static Result runWrapped(Path workDir, List<String> wrapper, String... args) throws IOException, InterruptedException {
        return runCommand(workDir, command(wrapper, List.of(), args), null, java.util.Map.of());
    }

    private static Result runCommand(Path workDir, List<String> command, String stdin, java.util.Map<String, String> env)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "stdout", ".txt");
        Path err = Files.createTempFile(workDir, "stderr", ".txt");
        ProcessBuilder builder = process(workDir, command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("memflux did not finish in 180 s: " + command);
        }
        Result result = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return result;
    }
}
