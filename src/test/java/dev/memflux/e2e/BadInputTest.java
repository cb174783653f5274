package dev.memflux.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets one clear line on stderr and a non-zero exit, never a stack trace. */
class BadInputTest {
    @TempDir
    Path dir;

    static void oneClearLine(Memflux.Result r, int exitCode, String expected) {
        assertEquals(exitCode, r.exitCode(), r.toString());
        String first = r.stderr().lines().findFirst().orElse("");
        assertTrue(first.startsWith("memflux: ") && first.contains(expected), r.toString());
        assertFalse(r.stderr().contains("Exception") || r.stderr().contains("\tat "), "a stack trace:\n" + r.stderr());
    }

    @Test
    void anExistingOutputWithoutForceRunsNothing() throws Exception {
        Path out = dir.resolve("exists.bin");
        Files.writeString(out, "keep me");
        Path marker = dir.resolve("ran.txt");
        Memflux.Result r = Memflux.run(dir, "run", "-o", out.toString(), "-c",
                "open('" + marker + "', 'w').write('ran')");
        oneClearLine(r, 1, "already exists (use -f to overwrite it)");
        assertEquals("keep me", Files.readString(out));
        assertFalse(Files.exists(marker), "the program ran although the output existed");

        Memflux.Result forced = Memflux.run(dir, "run", "-q", "-f", "-o", out.toString(), "-c", "x = 1");
        assertEquals(0, forced.exitCode(), forced.toString());
        assertFalse(Files.readString(out, java.nio.charset.StandardCharsets.ISO_8859_1).equals("keep me"));
    }

    @Test
    void aMissingScript() throws Exception {
        oneClearLine(Memflux.run(dir, "run", "no_such_script.py"), 1, "no such file: no_such_script.py");
    }

    @Test
    void anUnknownFlag() throws Exception {
        oneClearLine(Memflux.run(dir, "run", "--no-such-flag", "x.py"), 2, "Unknown option: '--no-such-flag'");
    }

    @Test
    void nothingToRun() throws Exception {
        oneClearLine(Memflux.run(dir, "run"), 2, "give a script to run");
    }

    @Test
    void aMissingInterpreter() throws Exception {
        oneClearLine(Memflux.run(dir, "run", "--python", "/no/such/python", "-c", "pass"), 1,
                "cannot start /no/such/python");
    }

    @Test
    void statsOnFilesThatAreNotCaptures() throws Exception {
        oneClearLine(Memflux.run(dir, "stats", "missing.bin"), 1, "no such file: missing.bin");
        Files.writeString(dir.resolve("text.bin"), "hello, I am not a capture\n");
        oneClearLine(Memflux.run(dir, "stats", "text.bin"), 1, "not a memflux capture file");
        Files.write(dir.resolve("empty.bin"), new byte[0]);
        oneClearLine(Memflux.run(dir, "stats", "empty.bin"), 1, "not a memflux capture file");
        oneClearLine(Memflux.run(dir, "summary", dir.toString()), 1, "is a directory");
        oneClearLine(Memflux.run(dir, "stats", "-n", "0", "text.bin"), 2, "-n must be at least 1");
    }

    @Test
    void statsOnATruncatedOrDamagedCapture() throws Exception {
        Path file = dir.resolve("good.bin");
        Memflux.Result run = Memflux.run(dir, "run", "-q", "--no-compress", "-o", file.toString(),
                Memflux.program("exact_count.py").toString(), "20000");
        assertEquals(0, run.exitCode(), run.toString());

        Path header = dir.resolve("header-only.bin");
        Files.write(header, java.util.Arrays.copyOf(Files.readAllBytes(file), 12));
        oneClearLine(Memflux.run(dir, "stats", header.toString()), 1, "ends inside its header");

        Path cut = dir.resolve("cut.bin");
        Files.copy(file, cut);
        try (RandomAccessFile raf = new RandomAccessFile(cut.toFile(), "rw")) {
            raf.setLength(Files.size(file) * 2 / 3);
        }
        Memflux.Result stats = Memflux.run(dir, "stats", cut.toString());
        assertEquals(0, stats.exitCode(), stats.toString());
        assertTrue(stats.stdout().contains("Warning:   the capture was cut short"), stats.stdout());

        Path damaged = dir.resolve("damaged.bin");
        Files.copy(file, damaged);
        try (RandomAccessFile raf = new RandomAccessFile(damaged.toFile(), "rw")) {
            raf.seek(Files.size(file) / 2);
            int b = raf.read();
            raf.seek(Files.size(file) / 2);
            raf.write(b ^ 0xff);
        }
        oneClearLine(Memflux.run(dir, "stats", damaged.toString()), 1, "at byte");
    }
}
