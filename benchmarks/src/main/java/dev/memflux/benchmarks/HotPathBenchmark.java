package dev.memflux.benchmarks;

import dev.memflux.format.CorruptCaptureException;
import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordDecoder;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.EncodedBlock;
import dev.memflux.pipeline.Lz4BlockEncoder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The per-event stages on one core, in events per second: decode (wire bytes → batches),
 * aggregate, encode (records + lz4 blocks), and all three chained as {@code run} does.
 * One operation is one event of {@link SyntheticStream}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPathBenchmark {
    private static final SyntheticStream STREAM = new SyntheticStream();
    private final EventBatch batch = new EventBatch();

    @Setup
    public void check() {
        if (STREAM.records() < SyntheticStream.EVENTS) {
            throw new IllegalStateException("stream too short");
        }
    }

    @Benchmark
    @OperationsPerInvocation(SyntheticStream.EVENTS)
    public long decode() throws CorruptCaptureException {
        return decodeAll(STREAM.wire);
    }

    private long decodeAll(byte[] wire) throws CorruptCaptureException {
        RecordDecoder decoder = new RecordDecoder().keepRaw();
        int at = 0;
        long sum = 0;
        while (at < wire.length) {
            batch.clear();
            at = decoder.decode(wire, at, wire.length, batch);
            sum += batch.count;
        }
        return sum;
    }

    /** As {@link #decode}, the same events in the forms the agent writes (FREE_RECENT, ALLOC16, ...). */
    @Benchmark
    @OperationsPerInvocation(SyntheticStream.EVENTS)
    public long decodeAgentForms() throws CorruptCaptureException {
        return decodeAll(STREAM.agentWire);
    }

    @Benchmark
    @OperationsPerInvocation(SyntheticStream.EVENTS)
    public long aggregate() {
        Aggregator aggregator = new Aggregator();
        for (EventBatch b : STREAM.batches) {
            aggregator.accept(b);
        }
        return aggregator.peakBytes();
    }

    /** As {@link #aggregate}, keeping only the trailer's totals: what a {@code run} writing a file does. */
    @Benchmark
    @OperationsPerInvocation(SyntheticStream.EVENTS)
    public long aggregateTotalsOnly() {
        Aggregator aggregator = Aggregator.totalsOnly();
        for (EventBatch b : STREAM.batches) {
            aggregator.accept(b);
        }
        return aggregator.peakBytes();
    }

    @Benchmark
    @OperationsPerInvocation(SyntheticStream.EVENTS)
    public void encode(Blackhole bh) {
        Lz4BlockEncoder encoder = new Lz4BlockEncoder(true);
        for (EventBatch b : STREAM.batches) {
            if (encoder.encode(b)) {
                bh.consume(encoder.seal().storedLength);
            }
        }
        bh.consume(encoder.seal().storedLength);
    }

    /** decode → aggregate → encode, as the run pipeline does on its thread (goal: ≥ 20 M events/s). */
    @Benchmark
    @OperationsPerInvocation(SyntheticStream.EVENTS)
    public long decodeAggregateEncode(Blackhole bh) throws CorruptCaptureException {
        RecordDecoder decoder = new RecordDecoder().keepRaw(); // as the collector does
        Aggregator aggregator = new Aggregator();
        Lz4BlockEncoder encoder = new Lz4BlockEncoder(true);
        byte[] wire = STREAM.wire;
        int at = 0;
        while (at < wire.length) {
            batch.clear();
            at = decoder.decode(wire, at, wire.length, batch);
            aggregator.accept(batch);
            if (encoder.encode(batch)) {
                EncodedBlock block = encoder.seal();
                bh.consume(block.storedLength);
            }
        }
        bh.consume(encoder.seal().storedLength);
        return aggregator.peakBytes();
    }
}
