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
 * a cache directory named by their content ({@code $XDG_CACHE_HOME/memflux/<key>},
 * default {@code ~/.cache}), so concurrent runs and upgrades never see a half-written or
 * stale agent. From a jar the key is the entries' CRC-32s, read from the jar's directory
 * without reading the entries: every {@code run} pays for this before the program starts.
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
        String key = jarKey();
        byte[] lib = null;
        byte[] boot = null;
        if (key == null) {
            lib = resource(LIBRARY);
            boot = resource(BOOTSTRAP);
            key = hash(lib, boot);
        }
        Path dir = cacheRoot().resolve(key);
        Path libPath = dir.resolve(LIBRARY);
        Path bootPath = dir.resolve(BOOTSTRAP);
        if (!Files.isRegularFile(libPath) || !Files.isRegularFile(bootPath)) {
            Files.createDirectories(dir);
            writeAtomically(dir, libPath, lib != null ? lib : resource(LIBRARY));
            writeAtomically(dir, bootPath, boot != null ? boot : resource(BOOTSTRAP));
        }
        return new AgentFiles(libPath, bootPath);
    }

    /** The entries' CRC-32s and sizes when running from a jar; null otherwise (classes on disk). */
    private static String jarKey() {
        try {
            StringBuilder key = new StringBuilder("j");
            for (String name : new String[] {LIBRARY, BOOTSTRAP}) {
                java.net.URL url = AgentFiles.class.getResource(RESOURCE_DIR + name);
                if (url == null || !url.getProtocol().equals("jar")) {
                    return null;
                }
                java.util.jar.JarEntry entry = ((java.net.JarURLConnection) url.openConnection()).getJarEntry();
                if (entry.getCrc() < 0) {
                    return null;
                }
                key.append(Long.toHexString(entry.getCrc())).append(Long.toHexString(entry.getSize()));
            }
            return key.toString();
        } catch (IOException | ClassCastException e) {
            return null;
        }
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
