package dev.memflux.capture;

import dev.memflux.format.CaptureHeader;
import dev.memflux.format.CorruptCaptureException;
import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordDecoder;
import dev.memflux.format.RecordTag;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.BooleanSupplier;

/**
 * Accepts the agent's connection on a private Unix socket and turns its byte stream into
 * published {@link EventBatch}es.
 *
 * <p>{@link #pump} runs on its own thread (the collector thread) and blocks on the socket
 * and, when the pipeline falls behind, on the ring. It owns the decoder.
 *
 * <p>One stream may come over several connections: when the program closed or replaced
 * the agent's socket behind its back, the agent connects again and its CONTINUE record
 * says at which byte of the stream it resumes. The bytes follow on as if nothing had
 * happened, so the decoder keeps its state. A connection that ends without END is
 * therefore not the end while the program lives (after an exec nothing more comes, and
 * memflux waits for the exec'd program to end anyway).
 *
 * <p>With --follow-fork each forked child connects too, and its connection starts with
 * HELLO: {@link #followForks} gives each such child a Collector of its own. One thread
 * then takes every new connection, so a CONTINUE goes to the stream of its pid.
 */
public final class Collector implements AutoCloseable {
    private static final int READ_SIZE = 256 * 1024;
    /** After this long with records published and none since, a tick seals them into the file. */
    private static final long TICK_NANOS = 1_000_000_000L;

    private final Path directory;
    private final Path socketPath;
    /** Opened by {@link #listen}, after the program was launched; the parent's then never changes. */
    private ServerSocketChannel server;
    private final RecordDecoder decoder = new RecordDecoder().keepRaw();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_SIZE);
    private SocketChannel connection;
    private volatile long bytesRead;
    private volatile int reconnections;
    private volatile boolean lostBytes;
    /** Only the collector that made the socket (the parent's) closes it. */
    private final boolean ownsServer;
    /** With --follow-fork: the continuations the accepting thread routed to this stream. */
    private final BlockingQueue<Continuation> continuations = new LinkedBlockingQueue<>();
    private volatile Map<Long, Collector> streams;
    private volatile boolean closed;
    /** Rounds in which the accepting thread found no connection waiting; guarded by itself. */
    private final long[] idleRounds = {0};
    private volatile Selector acceptSelector;

    private record Continuation(SocketChannel channel, long pid, long offset) {}

    /**
     * Makes the private directory of the socket; {@link #listen} opens the socket. In
     * between, the program can be launched: the agent waits for the socket to listen, and
     * the JVM's socket set-up (its first Unix socket seeds a SecureRandom: ~15-30 ms)
     * overlaps the interpreter's start.
     */
    public Collector() throws IOException {
        // Named with memflux's pid: a killed memflux cannot remove its directory, the next
        // run does (see removeStaleDirectories).
        directory = privateTempDirectory("memflux-" + ProcessHandle.current().pid() + "-");
        socketPath = directory.resolve("agent.sock");
        ownsServer = true;
    }

    /**
     * Opens the socket the agent connects to. Directories earlier runs left behind are for
     * {@link #removeStaleDirectories} to tidy, off the program's path.
     */
    public void listen() throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
    }

    /** A forked child's stream, on a connection whose first byte (HELLO's tag) was read. */
    private Collector(Collector parent, SocketChannel connection, byte first) {
        directory = parent.directory;
        socketPath = parent.socketPath;
        server = parent.server;
        ownsServer = false;
        streams = parent.streams;
        this.connection = connection;
        readBuffer.put(first);
    }

    /**
     * Files.createTempDirectory seeds a SecureRandom for the name: the security providers
     * and /dev/urandom cost ~10 ms before the program can start. The name needs to be
     * unpredictable by nobody (the directory is private, created exclusively, and a taken
     * name is skipped), only unused.
     */
    private static Path privateTempDirectory(String prefix) throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long suffix = System.nanoTime();
        for (int attempt = 0; ; attempt++) {
            try {
                return Files.createDirectory(tmp.resolve(prefix + Long.toUnsignedString(suffix + attempt, 36)),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt == 100) {
                    throw e;
                }
            }
        }
    }

    /**
     * Removes the socket directories of dead memflux processes that belonged to this user.
     * Plain loops, no stream or regex: it runs while the program does, on a core it shares.
     */
    public static void removeStaleDirectories() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp)) {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            for (Path p : entries) {
                long pid = pidOfSocketDirectory(p.getFileName().toString());
                try {
                    if (pid >= 0 && ProcessHandle.of(pid).isEmpty() && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                            && uid.equals(Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS))) {
                        deleteTree(p);
                    }
                } catch (IOException ignored) {
                    // another run got there first, or it is not ours to remove
                }
            }
        } catch (IOException | DirectoryIteratorException | UnsupportedOperationException ignored) {
            // cleaning up after others is a courtesy: never a reason not to run
        }
    }

    /** The pid in a name {@code memflux-<pid>-<suffix>} as the constructor makes them; -1 for any other name. */
    static long pidOfSocketDirectory(String name) {
        String prefix = "memflux-";
        int dash = name.indexOf('-', prefix.length());
        if (!name.startsWith(prefix) || dash <= prefix.length() || dash > prefix.length() + 10
                || dash == name.length() - 1) {
            return -1;
        }
        long pid = 0;
        for (int i = prefix.length(); i < dash; i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            pid = pid * 10 + (c - '0');
        }
        return pid;
    }

    /** Depth first, without following links; what cannot be removed stays (a leftover is harmless). */
    private static void deleteTree(Path path) throws IOException {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> children = Files.newDirectoryStream(path)) {
                for (Path child : children) {
                    deleteTree(child);
                }
            }
        }
        path.toFile().delete();
    }

    public Path socketPath() {
        return socketPath;
    }

    /**
     * Waits for the agent to connect and say HELLO. {@code run} calls it on the main thread
     * before it builds the pipeline, so the header is a value by then; {@link #pump} follows.
     *
     * @param programAlive polled while waiting; when it turns false the program ended
     *     before tracking started (a missing script, say) and this returns null
     */
    public CaptureHeader awaitHello(BooleanSupplier programAlive) throws IOException, CorruptCaptureException {
        server.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            server.register(selector, SelectionKey.OP_ACCEPT);
            while (connection == null) {
                selector.select(20);
                connection = server.accept();
                if (connection == null && !programAlive.getAsBoolean()) {
                    connection = server.accept();
                    if (connection == null) {
                        return null;
                    }
                }
            }
        }
        return readHello();
    }

    private CaptureHeader readHello() throws IOException, CorruptCaptureException {
        connection.configureBlocking(true);
        EventBatch scratch = new EventBatch();
        while (decoder.hello() == null) {
            int n = connection.read(readBuffer);
            if (n < 0) {
                return null;
            }
            bytesRead += n;
            readBuffer.flip();
            int consumed = decoder.decode(readBuffer.array(), 0, readBuffer.limit(), scratch);
            readBuffer.position(consumed);
            readBuffer.compact();
            if (scratch.count > 0) {
                throw new CorruptCaptureException("the agent's stream does not start with HELLO");
            }
        }
        return decoder.hello();
    }

    /**
     * From now on every new connection is taken by one daemon thread: one that starts with
     * HELLO is a forked child, handed to {@code onChild} once its HELLO is read (call
     * {@link #pump} on it); a CONTINUE goes to the stream of its pid. Call after
     * {@link #awaitHello} returned the parent's HELLO.
     */
    public void followForks(Consumer<Collector> onChild) {
        streams = new ConcurrentHashMap<>();
        streams.put(decoder.hello().pid(), this);
        Thread accepting = new Thread(() -> acceptForks(onChild), "memflux-forks");
        accepting.setDaemon(true);
        accepting.start();
    }

    private void acceptForks(Consumer<Collector> onChild) {
        try (Selector selector = Selector.open()) {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            acceptSelector = selector;
            while (!closed) {
                SocketChannel next = server.accept();
                if (next != null) {
                    takeConnection(next, onChild);
                    continue;
                }
                synchronized (idleRounds) {
                    idleRounds[0]++;
                    idleRounds.notifyAll();
                }
                selector.select(100);
                selector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            // the socket closed at the end of the run
        }
    }

    /**
     * Returns once every child that connected before this call was handed to
     * {@link #followForks}'s {@code onChild} (a child connects before its fork() returns,
     * so a program that waited for its children has them all in by its end), or at the
     * deadline ({@link System#nanoTime}).
     */
    public void settleForks(long deadlineNanos) throws InterruptedException {
        synchronized (idleRounds) {
            // The round under way may have looked before the call: wait for the next one to end.
            long target = idleRounds[0] + 2;
            Selector selector = acceptSelector;
            if (selector != null) {
                selector.wakeup();
            }
            long left;
            while (idleRounds[0] < target && (left = deadlineNanos - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(idleRounds, left);
            }
        }
    }

    /** Reads the first record's head byte by byte: nothing of the stream after it is taken. */
    private void takeConnection(SocketChannel next, Consumer<Collector> onChild) {
        try {
            next.configureBlocking(true);
            ByteBuffer one = ByteBuffer.allocate(1);
            if (next.read(one) < 0) {
                next.close();
                return;
            }
            byte first = one.get(0);
            if (first == RecordTag.HELLO) {
                Collector child = new Collector(this, next, first);
                if (child.readHello() == null) {
                    next.close();
                    return;
                }
                streams.put(child.hello().pid(), child);
                onChild.accept(child);
                return;
            }
            byte[] head = new byte[32];
            head[0] = first;
            int length = 1;
            long[] resume = RecordDecoder.continuation(head, length);
            while (resume == null) {
                one.clear();
                if (next.read(one) < 0 || length == head.length) {
                    next.close();
                    return;
                }
                head[length++] = one.get(0);
                resume = RecordDecoder.continuation(head, length);
            }
            Collector owner = streams.get(resume[0]);
            if (owner == null) {
                next.close();
                return;
            }
            owner.continuations.add(new Continuation(next, resume[0], resume[1]));
        } catch (IOException | CorruptCaptureException e) {
            try {
                next.close();
            } catch (IOException ignored) {
                // it was broken already
            }
        }
    }

    /** The agent's HELLO, once it arrived; null before, or if the program never started tracking. */
    public CaptureHeader hello() {
        return decoder.hello();
    }

    /**
     * After {@link #awaitHello} returned the HELLO: reads the agent's stream to its end,
     * publishing batches on the ring; the last
     * batch published has {@code endOfStream} set, or {@code error} when the stream broke.
     * Whatever one read brings is published at once, so a slow program's events are not
     * held back waiting for a full batch. At the first pause in the stream a second or more
     * after the last tick, if records were published since, an empty batch with
     * {@code tick} set follows them and the file's encoder seals them: an idle program's
     * last records reach the disk within about a second.
     */
    public void pump(EventRing ring, BooleanSupplier programAlive) {
        long sequence = ring.claim();
        EventBatch batch = ring.get(sequence);
        long lastTick = System.nanoTime();
        boolean untickedRecords = false;
        try (Selector selector = Selector.open()) {
            connection.configureBlocking(false);
            connection.register(selector, SelectionKey.OP_READ);
            while (true) {
                readBuffer.flip();
                while (readBuffer.hasRemaining()) {
                    int position = readBuffer.position();
                    int consumed = decoder.decode(readBuffer.array(), position, readBuffer.limit(), batch);
                    readBuffer.position(consumed);
                    if (batch.isFull()) {
                        ring.publish(sequence);
                        sequence = ring.claim();
                        batch = ring.get(sequence);
                    } else if (consumed == position) {
                        break; // an unfinished record: wait for the rest
                    }
                }
                if (batch.count > 0) {
                    ring.publish(sequence);
                    sequence = ring.claim();
                    batch = ring.get(sequence);
                    untickedRecords = true;
                }
                readBuffer.compact();
                if (!readBuffer.hasRemaining()) {
                    throw new CorruptCaptureException("a record larger than " + READ_SIZE + " bytes");
                }
                int n = connection.read(readBuffer);
                while (n == 0) {
                    long now = System.nanoTime();
                    if (untickedRecords && now - lastTick >= TICK_NANOS) {
                        batch.tick = true;
                        ring.publish(sequence);
                        sequence = ring.claim();
                        batch = ring.get(sequence);
                        untickedRecords = false;
                        lastTick = now;
                    }
                    // Without records waiting, sleep until the agent writes (select(0) waits for ever).
                    long waitMillis = untickedRecords ? Math.max(1, (TICK_NANOS - (now - lastTick)) / 1_000_000) : 0;
                    selector.select(waitMillis);
                    selector.selectedKeys().clear();
                    n = connection.read(readBuffer);
                }
                if (n < 0) {
                    if (!decoder.ended() && awaitContinuation(programAlive)) {
                        continue;
                    }
                    if (readBuffer.position() > 0) {
                        throw new CorruptCaptureException("the agent's stream ended inside a record");
                    }
                    break;
                }
                bytesRead += n;
            }
            batch.endOfStream = true;
        } catch (IOException e) {
            if (closed) {
                // Cut off on purpose (a forked child memflux stopped waiting for): the file
                // ends here like a stream that ended without END, with what came before.
                batch.endOfStream = true;
            } else {
                batch.count = 0;
                batch.error = e;
            }
        } catch (CorruptCaptureException e) {
            batch.count = 0;
            batch.error = e;
        }
        ring.publish(sequence);
    }

    /**
     * After a connection ended without END: waits, while the program lives, for the agent
     * to connect again, and takes the new connection if its CONTINUE resumes the stream
     * exactly where the old one stopped, from the same process. False when no
     * continuation came (the program ended, exec'd or was killed) or it would leave a gap.
     */
    private boolean awaitContinuation(BooleanSupplier programAlive) throws IOException, CorruptCaptureException {
        if (streams != null) {
            return awaitRoutedContinuation(programAlive);
        }
        SocketChannel next = null;
        try (Selector selector = Selector.open()) {
            server.register(selector, SelectionKey.OP_ACCEPT);
            while (next == null) {
                boolean alive = programAlive.getAsBoolean();
                selector.select(20);
                next = server.accept();
                if (next == null && !alive) {
                    return false;
                }
            }
        }
        next.configureBlocking(true);
        // Byte by byte, so not one byte after the CONTINUE record is taken from the stream.
        ByteBuffer one = ByteBuffer.allocate(1);
        byte[] head = new byte[32];
        int length = 0;
        long[] resume = null;
        while (resume == null) {
            one.clear();
            if (next.read(one) < 0 || length == head.length) {
                next.close();
                return false;
            }
            head[length++] = one.get(0);
            resume = RecordDecoder.continuation(head, length);
        }
        if (resume[0] != decoder.hello().pid() || resume[1] != bytesRead) {
            lostBytes = true;
            next.close();
            return false;
        }
        connection.close();
        connection = next;
        reconnections++;
        return true;
    }

    private boolean awaitRoutedContinuation(BooleanSupplier programAlive) throws IOException {
        Continuation next = null;
        while (next == null) {
            boolean alive = programAlive.getAsBoolean();
            try {
                next = continuations.poll(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (next == null && !alive) {
                return false;
            }
        }
        if (next.offset() != bytesRead) {
            lostBytes = true;
            next.channel().close();
            return false;
        }
        connection.close();
        connection = next.channel();
        reconnections++;
        return true;
    }

    /** How many times the agent connected again after the program took its socket away. */
    public int reconnections() {
        return reconnections;
    }

    /** Whether a continuation did not resume where the stream stopped: records were lost there. */
    public boolean lostBytes() {
        return lostBytes;
    }

    /** Whether the agent said END: tracking stopped normally, rather than the program dying. */
    public boolean sawEnd() {
        return decoder.ended();
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (connection != null) {
                connection.close();
            }
            if (!ownsServer) {
                return;
            }
            if (server != null) {
                server.close();
            }
            deleteTree(directory);
        } catch (IOException ignored) {
            // a leftover socket in the temp directory is harmless
        }
    }
}
