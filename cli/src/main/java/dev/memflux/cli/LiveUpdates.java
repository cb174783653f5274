package dev.memflux.cli;

import dev.memflux.live.LiveFeed;
import dev.memflux.live.LiveFrame;
import java.io.IOException;

/**
 * Reads a {@link LiveFeed} on its own thread ("memflux-live-reader") and keeps only the
 * newest frame, so a viewer that draws slowly never makes the feed back up: the
 * viewer's thread asks for the newest when it is ready, and may wait for one.
 */
final class LiveUpdates {
    private final LiveFeed feed;
    private LiveFrame newest;
    private long number;
    private boolean over;
    private String failure;

    LiveUpdates(LiveFeed feed) {
        this.feed = feed;
        Thread reader = new Thread(this::read, "memflux-live-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try {
            LiveFrame frame;
            while ((frame = feed.next()) != null) {
                synchronized (this) {
                    newest = frame;
                    number++;
                    notifyAll();
                }
            }
        } catch (IOException e) {
            synchronized (this) {
                failure = e.getMessage();
            }
        } finally {
            feed.close();
            synchronized (this) {
                over = true;
                notifyAll();
            }
        }
    }

    /** Waits up to {@code millis} for a snapshot newer than number {@code seen} (or the feed's end). */
    synchronized void awaitNewer(long seen, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        long left = millis;
        while (number == seen && !over && left > 0) {
            wait(left);
            left = (deadline - System.nanoTime()) / 1_000_000;
        }
    }

    synchronized LiveFrame newest() {
        return newest;
    }

    /** How many snapshots have arrived; a change means there is a newer one. */
    synchronized long number() {
        return number;
    }

    /** The feed ended: nothing more will come. */
    synchronized boolean over() {
        return over;
    }

    /** The feed ended before every process did: memflux run went away, or a frame was bad. */
    synchronized boolean lost() {
        return over && (newest == null || !newest.ended());
    }

    synchronized String failure() {
        return failure;
    }
}
