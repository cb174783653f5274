package dev.memflux.benchmarks;

import dev.memflux.capture.EventRing;
import dev.memflux.format.EventBatch;
import dev.memflux.pipeline.AggregateStage;
import dev.memflux.pipeline.Aggregator;
import dev.memflux.pipeline.Lz4BlockEncoder;
import dev.memflux.pipeline.RingFlux;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Producer thread → Disruptor ring → Reactor bridge → aggregate → encode, across two
 * threads as in {@code run}: what the ring and the Flux add on top of the stages. One
 * operation is one event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RingPipelineBenchmark {
    private static final SyntheticStream STREAM = new SyntheticStream();

    @Benchmark
    @OperationsPerInvocation(SyntheticStream.EVENTS)
    public long ringAggregateEncode() {
        EventRing ring = new EventRing(EventRing.DEFAULT_SIZE);
        Aggregator aggregator = new Aggregator();
        var done = new RingFlux(ring)
                .transform(new AggregateStage(aggregator))
                .transform(new Lz4BlockEncoder(true))
                .then()
                .toFuture();
        for (EventBatch b : STREAM.batches) {
            long seq = ring.claim();
            ring.get(seq).copyFrom(b);
            ring.publish(seq);
        }
        long seq = ring.claim();
        ring.get(seq).endOfStream = true;
        ring.publish(seq);
        done.join();
        return aggregator.peakBytes();
    }
}
