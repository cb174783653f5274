package dev.memflux.format;

/**
 * The totals memflux writes at the end of a capture file (TRAILER record).
 *
 * @param cutShort the agent's stream ended without END or a final EXEC: the program was killed or
 *     crashed, or the stream was lost
 * @param peakMillis when the heap reached its peak, in ms since tracking started
 * @param leakedBytes bytes still allocated when tracking stopped
 */
public record Trailer(long endMillis, boolean cutShort, long allocations, long frees, long bytesAllocated,
                      long peakBytes, long peakMillis, long leakedBytes, long leakedAllocations, long events) {
}
