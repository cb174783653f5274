package dev.memflux.format;

/**
 * The totals memflux writes at the end of a capture file (TRAILER record).
 *
 * @param cutShort the agent's stream ended without END or a final EXEC: the program was killed or
 *     crashed, or the stream was lost
 * @param peakMillis when the heap reached its peak, in ms since tracking started
 * @param leakedBytes bytes still allocated when tracking stopped
 * @param totalsUnavailable the analysis failed during the capture (out of memory): the totals are 0, the
 *     records are all there and the reports compute the totals from them
 */
public record Trailer(long endMillis, boolean cutShort, long allocations, long frees, long bytesAllocated,
                      long peakBytes, long peakMillis, long leakedBytes, long leakedAllocations, long events,
                      boolean totalsUnavailable) {

    public Trailer(long endMillis, boolean cutShort, long allocations, long frees, long bytesAllocated,
                   long peakBytes, long peakMillis, long leakedBytes, long leakedAllocations, long events) {
        this(endMillis, cutShort, allocations, frees, bytesAllocated, peakBytes, peakMillis, leakedBytes,
                leakedAllocations, events, false);
    }

    /** The trailer of a capture whose analysis failed: only what the stream itself says. */
    public static Trailer unavailable(long endMillis, boolean cutShort, long events) {
        return new Trailer(endMillis, cutShort, 0, 0, 0, 0, 0, 0, 0, events, true);
    }
}
