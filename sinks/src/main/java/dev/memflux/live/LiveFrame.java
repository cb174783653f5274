package dev.memflux.live;

import java.util.List;

/**
 * What the feed sends at once: the newest snapshot of each tracked process, the program
 * first, then its forked children (--follow-fork) in the order they started.
 */
public record LiveFrame(List<LiveSnapshot> processes) {
    /** Every process ended: nothing more will come. */
    public boolean ended() {
        return processes.stream().allMatch(LiveSnapshot::ended);
    }

    /** The program's own snapshot. */
    public LiveSnapshot program() {
        return processes.get(0);
    }
}
