package dev.memflux.e2e;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The interpreters every end-to-end test runs under: {@code python3} on PATH (on the dev
 * machines a pyenv build with a shared libpython) and Debian's {@code /usr/bin/python3}
 * (libpython linked statically into the executable). The agent must work with both.
 */
final class Interpreters {
    private Interpreters() {}

    static Stream<String> all() {
        Set<String> found = new LinkedHashSet<>();
        String onPath = which("python3");
        if (onPath != null) {
            found.add(onPath);
        }
        if (Files.isExecutable(Path.of("/usr/bin/python3"))) {
            found.add("/usr/bin/python3");
        }
        List<String> list = new ArrayList<>(found);
        if (list.isEmpty()) {
            throw new IllegalStateException("no python3 on this machine");
        }
        return list.stream();
    }

    /** Debian's python3 with Debian's pytest (python3-pytest); the test is skipped, saying so, without them. */
    static String debianPytest() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")),
                "Debian's python3 is not installed");
        Process probe = new ProcessBuilder("/usr/bin/python3", "-c", "import pytest").start();
        org.junit.jupiter.api.Assumptions.assumeTrue(
                probe.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && probe.exitValue() == 0,
                "pytest is not installed for /usr/bin/python3 (Debian: python3-pytest)");
        return "/usr/bin/python3";
    }

    private static String which(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
