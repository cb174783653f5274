package dev.memflux.gate;

/** A fixed ceiling on one figure of one scope. */
public record Limit(Figure figure, Scope scope, long max) {}
