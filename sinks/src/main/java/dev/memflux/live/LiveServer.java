package dev.memflux.live;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The live feed's server: loopback only, any number of viewers, each of which may leave
 * and be replaced at any time; one feed for the program and its forked children. {@link #publish} never blocks (the pipeline thread calls
 * it): it replaces the newest snapshot and wakes the viewers' senders. Each viewer has a
 * sender thread ("memflux-live-viewer") that writes the newest snapshot it has not sent
 * yet, so a slow viewer skips the stale ones and a stopped one blocks only its own
 * thread; a new viewer gets the newest snapshot at once. Connections are accepted on
 * "memflux-live-accept".
 */
public final class LiveServer implements AutoCloseable {
    /** The first bytes a viewer reads: this is a memflux live feed, and its version. */
    static final byte[] MAGIC = {'M', 'F', 'X', 'L', 'I', 'V', 'E', '1'};

    private final ServerSocket listening;
    private final CountDownLatch firstViewer = new CountDownLatch(1);
    private final Object lock = new Object();
    private final List<Thread> senders = new ArrayList<>();
    private final List<Socket> viewers = new ArrayList<>();
    /** The newest snapshot of each process, by pid, the program first. */
    private final Map<Long, LiveSnapshot> newest = new LinkedHashMap<>();
    private long newestNumber;
    private boolean closed;

    private LiveServer(ServerSocket listening) {
        this.listening = listening;
        Thread accept = new Thread(this::acceptLoop, "memflux-live-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /**
     * Listens on 127.0.0.1:{@code port} (0: a free port).
     *
     * @throws java.net.BindException when the port is in use
     */
    public static LiveServer bind(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return new LiveServer(socket);
    }

    public int port() {
        return listening.getLocalPort();
    }

    /** Blocks until a viewer has connected. */
    public void awaitViewer() throws InterruptedException {
        firstViewer.await();
    }

    /**
     * Hands {@code snapshot} to every viewer, now and to come, in place of its process's
     * previous one; never blocks on a viewer.
     */
    public void publish(LiveSnapshot snapshot) {
        synchronized (lock) {
            newest.put(snapshot.pid(), snapshot);
            newestNumber++;
            lock.notifyAll();
        }
    }

    /** How many snapshots were published so far. */
    long published() {
        synchronized (lock) {
            return newestNumber;
        }
    }

    private void acceptLoop() {
        while (true) {
            Socket viewer;
            try {
                viewer = listening.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread sender = new Thread(() -> send(viewer), "memflux-live-viewer");
            sender.setDaemon(true);
            synchronized (lock) {
                if (closed) {
                    closeQuietly(viewer);
                    return;
                }
                viewers.add(viewer);
                senders.add(sender);
            }
            sender.start();
            firstViewer.countDown();
        }
    }

    /** On a viewer's own thread: the newest snapshot each time there is one it has not had. */
    private void send(Socket viewer) {
        try (viewer) {
            viewer.setTcpNoDelay(true);
            OutputStream raw = new BufferedOutputStream(viewer.getOutputStream(), 1 << 16);
            raw.write(MAGIC);
            raw.flush();
            DataOutputStream out = new DataOutputStream(raw);
            long sent = 0;
            while (true) {
                List<LiveSnapshot> processes;
                synchronized (lock) {
                    while (newestNumber == sent && !closed) {
                        lock.wait();
                    }
                    if (newestNumber == sent) {
                        break; // closed, and this viewer has the last of everything
                    }
                    processes = List.copyOf(newest.values());
                    sent = newestNumber;
                }
                ByteArrayOutputStream frame = new ByteArrayOutputStream(1 << 14);
                DataOutputStream data = new DataOutputStream(frame);
                data.writeInt(processes.size());
                for (LiveSnapshot snapshot : processes) {
                    snapshot.write(data);
                }
                out.writeInt(frame.size());
                frame.writeTo(out);
                out.flush();
            }
            viewer.shutdownOutput();
            // Wait for the viewer to close its end, so the last frame is not lost to a reset.
            viewer.getInputStream().read();
        } catch (IOException e) {
            // The viewer went away; another may come.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (lock) {
                viewers.remove(viewer);
                senders.remove(Thread.currentThread());
            }
        }
    }

    /**
     * The feed's end: stops accepting, gives the viewers up to {@code graceMillis} to take
     * the last snapshots published, then disconnects them all: a stopped viewer delays the
     * end by the grace at most.
     */
    public void close(long graceMillis) throws InterruptedException {
        List<Thread> toJoin;
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
            toJoin = new ArrayList<>(senders);
        }
        closeQuietly(listening);
        long deadline = System.nanoTime() + graceMillis * 1_000_000;
        for (Thread sender : toJoin) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left > 0) {
                sender.join(left);
            }
        }
        synchronized (lock) {
            viewers.forEach(LiveServer::closeQuietly);
        }
    }

    @Override
    public void close() throws InterruptedException {
        close(0);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // nothing left to tell it
        }
    }
}
