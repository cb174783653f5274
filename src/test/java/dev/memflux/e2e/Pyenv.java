package dev.memflux.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** The CPythons pyenv installed ($PYENV_ROOT, else ~/.pyenv): the newest of a minor version. */
final class Pyenv {
    private Pyenv() {}

    /** The newest CPython {@code minorVersion} under pyenv; the test is skipped when there is none. */
    static Path pythonOrSkip(String minorVersion) {
        Optional<Path> python = python(minorVersion);
        Assumptions.assumeTrue(python.isPresent(), "CPython " + minorVersion + " is not installed under pyenv");
        return python.get();
    }

    static Optional<Path> python(String minorVersion) {
        String root = System.getenv().getOrDefault("PYENV_ROOT", System.getProperty("user.home") + "/.pyenv");
        Path versions = Path.of(root, "versions");
        if (!Files.isDirectory(versions)) {
            return Optional.empty();
        }
        try (Stream<Path> installed = Files.list(versions)) {
            return installed.filter(p -> p.getFileName().toString().startsWith(minorVersion + "."))
                    .map(p -> p.resolve("bin/python3")).filter(Files::isExecutable).sorted().reduce((a, b) -> b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
