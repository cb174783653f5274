package dev.memflux.pipeline;

/**
 * What one kept allocation of a sampled capture (--sample-rate) stands for. The agent kept
 * an allocation of {@code size} bytes with probability {@code p = 1 - exp(-size / mean)};
 * counting it as {@code 1 / p} allocations of {@code size / p} bytes makes every sum of
 * them an unbiased estimate of the exact figure (Horvitz-Thompson, as Go's heap profiler
 * scales its samples).
 */
final class SampledWeight {
    private SampledWeight() {}

    static long count(long size, long meanBytes) {
        return Math.round(1 / keptProbability(size, meanBytes));
    }

    static long bytes(long size, long meanBytes) {
        return Math.round(size / keptProbability(size, meanBytes));
    }

    private static double keptProbability(long size, long meanBytes) {
        // The agent never keeps a 0-byte allocation (no byte of it can hold a sample point);
        // should one arrive, it counts as itself.
        return size == 0 ? 1 : -Math.expm1(-(double) size / meanBytes);
    }
}
