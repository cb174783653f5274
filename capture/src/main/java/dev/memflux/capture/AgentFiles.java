package dev.memflux.capture;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The agent library and its bootstrap, shipped inside the jar and extracted once into
 * a cache directory named by their content hash ({@code $XDG_CACHE_HOME/memflux/<hash>},
 * default {@code ~/.cache}), so concurrent runs and upgrades never see a half-written or
 * stale agent.
 */
public final class AgentFiles {
    static final String RESOURCE_DIR = "/dev/memflux/agent/";
    public static final String LIBRARY = "libmemflux-agent.so";
    public static final String BOOTSTRAP = "memflux_bootstrap.py";

    private final Path library;
    private final Path bootstrap;

    private AgentFiles(Path library, Path bootstrap) {
        this.library = library;
        this.bootstrap = bootstrap;
    }

    public Path library() {
        return library;
    }

    public Path bootstrap() {
        return bootstrap;
    }

    public static AgentFiles extract() throws IOException {
        byte[] lib = resource(LIBRARY);
        byte[] boot = resource(BOOTSTRAP);
        Path dir = cacheRoot().resolve(hash(lib, boot));
        Path libPath = dir.resolve(LIBRARY);
        Path bootPath = dir.resolve(BOOTSTRAP);
        if (!Files.isRegularFile(libPath) || !Files.isRegularFile(bootPath)) {
            Files.createDirectories(dir);
            writeAtomically(dir, libPath, lib);
            writeAtomically(dir, bootPath, boot);
        }
        return new AgentFiles(libPath, bootPath);
    }

    private static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("memflux");
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = AgentFiles.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IOException("the memflux build is incomplete: " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        }
    }

    private static void writeAtomically(Path dir, Path target, byte[] content) throws IOException {
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String hash(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
