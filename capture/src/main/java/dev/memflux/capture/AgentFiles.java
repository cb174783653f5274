package dev.memflux.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The agent library and its bootstrap, shipped inside the jar and extracted into a cache
 * directory named by their content ({@code <cache>/memflux/<hash>}), so concurrent runs and
 * upgrades never see a half-written or stale agent.
 *
 * <p>The path is predictable and what sits there is run as the user, so nothing found there
 * is trusted: every directory on the way must be the user's own and writable by nobody else
 * (or memflux refuses to run): that is the security boundary. Within it, each file's size
 * and CRC-32 are checked against the jar's entry (read from the jar's directory, without
 * inflating the entry) and the file is rewritten when they differ, which catches a damaged
 * or edited copy. Every {@code run} pays for this before the program starts: hashing the
 * content with SHA-256 under the C1-only JVM cost 14 ms a run, this costs under 2. The cache is {@code $XDG_CACHE_HOME}, else {@code $HOME/.cache}, else the
 * home of the user's passwd entry, else a private directory in the temp directory: never a
 * relative path (a uid with no passwd entry has {@code user.home} "?"), and never a path with
 * a space or a colon, which {@code LD_PRELOAD} cannot name (the next candidate is used).
 */
public final class AgentFiles {
    static final String RESOURCE_DIR = "/dev/memflux/agent/";
    public static final String LIBRARY = "libmemflux-agent.so";
    public static final String BOOTSTRAP = "memflux_bootstrap.py";
    private static final Set<PosixFilePermission> OTHERS_WRITE =
            Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

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
        Entry lib = Entry.of(LIBRARY);
        Entry boot = Entry.of(BOOTSTRAP);
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        String key = HexFormat.of().toHexDigits(lib.crc) + HexFormat.of().toHexDigits(boot.crc);
        Path dir = privateDirectory(privateDirectory(cacheRoot(uid), uid).resolve(key), uid);
        Path libPath = dir.resolve(LIBRARY);
        Path bootPath = dir.resolve(BOOTSTRAP);
        ensureContent(dir, libPath, lib);
        ensureContent(dir, bootPath, boot);
        return new AgentFiles(libPath, bootPath);
    }

    /** A resource's size and CRC-32: from the jar's directory when running from a jar, else by reading it. */
    private record Entry(String name, long size, int crc) {
        static Entry of(String name) throws IOException {
            java.net.URL url = AgentFiles.class.getResource(RESOURCE_DIR + name);
            if (url == null) {
                throw new IOException("the memflux build is incomplete: " + name + " is missing from the jar");
            }
            if (url.getProtocol().equals("jar")) {
                java.util.jar.JarEntry entry = ((java.net.JarURLConnection) url.openConnection()).getJarEntry();
                if (entry.getCrc() >= 0 && entry.getSize() >= 0) {
                    return new Entry(name, entry.getSize(), (int) entry.getCrc());
                }
            }
            byte[] content = resource(name);
            return new Entry(name, content.length, crcOf(content));
        }
    }

    private static int crcOf(byte[] content) {
        CRC32 crc = new CRC32();
        crc.update(content);
        return (int) crc.getValue();
    }

    private static Path cacheRoot(Object uid) throws IOException {
        for (String base : new String[] {System.getenv("XDG_CACHE_HOME"), dotCache(System.getenv("HOME")),
                dotCache(System.getProperty("user.home"))}) {
            if (base != null && !base.isEmpty() && Path.of(base).isAbsolute() && preloadable(base)) {
                Files.createDirectories(Path.of(base));
                return Path.of(base, "memflux");
            }
        }
        String tmp = System.getProperty("java.io.tmpdir");
        if (!preloadable(tmp)) {
            throw new IOException("no directory for the agent library can be named in LD_PRELOAD (" + tmp
                    + " holds a space or a colon): set XDG_CACHE_HOME to a path without them");
        }
        return Path.of(tmp, "memflux-cache-" + uid);
    }

    /** ld.so splits LD_PRELOAD at spaces and colons with no way to escape them. */
    private static boolean preloadable(String path) {
        return path.indexOf(' ') < 0 && path.indexOf(':') < 0 && path.indexOf('\t') < 0;
    }

    private static String dotCache(String home) {
        return home == null || home.isEmpty() || !Path.of(home).isAbsolute() || !Files.isDirectory(Path.of(home))
                ? null : Path.of(home, ".cache").toString();
    }

    /** Creates {@code dir} readable by the user alone, or checks that no one else can write it. */
    private static Path privateDirectory(Path dir, Object uid) throws IOException {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // made by an earlier run (or by someone else: checked below)
        }
        PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String problem = !attributes.isDirectory() ? "not a directory"
                : !uid.equals(Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)) ? "owned by another user"
                : writableByOthers(attributes.permissions()) ? "writable by other users"
                : null;
        if (problem != null) {
            throw new IOException("the agent cache " + dir + " is " + problem
                    + ": memflux will not run code from it (remove it, or set XDG_CACHE_HOME elsewhere)");
        }
        return dir;
    }

    /** A loop, not a stream: the first lambda of the JVM costs milliseconds before the program's launch. */
    private static boolean writableByOthers(Set<PosixFilePermission> permissions) {
        for (PosixFilePermission permission : permissions) {
            if (OTHERS_WRITE.contains(permission)) {
                return true;
            }
        }
        return false;
    }

    private static void ensureContent(Path dir, Path target, Entry expected) throws IOException {
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) && Files.size(target) == expected.size
                && crcOf(Files.readAllBytes(target)) == expected.crc) {
            return;
        }
        byte[] content = resource(expected.name);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = AgentFiles.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IOException("the memflux build is incomplete: " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        }
    }
}
