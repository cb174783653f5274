package dev.memflux.live;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * A viewer's end of the live feed: connects to a {@link LiveServer} on loopback, checks
 * that it is one, and reads its snapshots. Blocks in {@link #next} on the caller's thread.
 */
public final class LiveFeed implements AutoCloseable {
    /** Time a peer has to say it is memflux once connected. */
    private static final int HELLO_MILLIS = 5000;
    private static final int MAX_FRAME = 64 << 20;

    /** Why there is no feed, in one line for the user. */
    public static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    private final Socket socket;
    private final DataInputStream in;

    private LiveFeed(Socket socket, DataInputStream in) {
        this.socket = socket;
        this.in = in;
    }

    public static LiveFeed connect(int port) throws Unavailable {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), HELLO_MILLIS);
            socket.setSoTimeout(HELLO_MILLIS);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
            byte[] magic = new byte[LiveServer.MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, LiveServer.MAGIC)) {
                throw notMemflux(socket, port, "it answered something else");
            }
            socket.setSoTimeout(0); // an idle program sends nothing for as long as it likes
            return new LiveFeed(socket, in);
        } catch (ConnectException e) {
            close(socket);
            throw new Unavailable("nothing is listening on port " + port + " (start 'memflux run --live-remote' first)");
        } catch (SocketTimeoutException e) {
            throw notMemflux(socket, port, "it said nothing in " + HELLO_MILLIS / 1000 + " s");
        } catch (EOFException e) {
            throw notMemflux(socket, port, "it closed the connection");
        } catch (IOException e) {
            close(socket);
            throw new Unavailable("cannot connect to port " + port + ": " + e.getMessage());
        }
    }

    private static Unavailable notMemflux(Socket socket, int port, String why) {
        close(socket);
        return new Unavailable("port " + port + " is not a memflux live feed (" + why + ")");
    }

    /** The next frame, or null at the feed's end (see {@link LiveFrame#ended} for whether it was the program's). */
    public LiveFrame next() throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("a live frame of " + length + " bytes");
        }
        byte[] frame = new byte[length];
        in.readFully(frame);
        DataInputStream data = new DataInputStream(new java.io.ByteArrayInputStream(frame));
        int processes = data.readInt();
        if (processes < 1 || processes > 1 << 16) {
            throw new IOException("a live frame of " + processes + " processes");
        }
        java.util.List<LiveSnapshot> snapshots = new java.util.ArrayList<>(processes);
        for (int i = 0; i < processes; i++) {
            snapshots.add(LiveSnapshot.read(data));
        }
        return new LiveFrame(java.util.List.copyOf(snapshots));
    }

    @Override
    public void close() {
        close(socket);
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing is all that was left
        }
    }
}
