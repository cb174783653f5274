package dev.memflux.pipeline.symbolize;

/**
 * A loaded object as the agent announced it: its path, build id (hex, may be empty) and
 * load bias (what its ELF addresses are shifted by in the process).
 */
public record Module(String path, String buildId, long bias) {
}
