package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** resources/native/leaf.c, built into a library the native test programs load with ctypes. */
final class NativeLibrary {
    static final Path LEAF_C = Path.of("resources/native/leaf.c").toAbsolutePath();

    private NativeLibrary() {}

    /** libleaf.so in {@code dir}, built with -g -O2 so its inlined frame and lines are known. */
    static Path build(Path dir) throws Exception {
        Path lib = dir.resolve("libleaf.so");
        Process gcc = new ProcessBuilder("gcc", "-g", "-O2", "-fPIC", "-shared", "-o", lib.toString(), LEAF_C.toString())
                .inheritIO().start();
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS) && gcc.exitValue() == 0, "gcc failed");
        return lib;
    }

    /** The line of leaf.c marked {@code site: NAME}. */
    static int line(String site) throws Exception {
        List<String> lines = Files.readAllLines(LEAF_C);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("/* site: " + site + " */")) {
                return i + 1;
            }
        }
        throw new AssertionError(site);
    }
}
