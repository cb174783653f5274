package dev.memflux.pipeline.symbolize;

import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import reactor.core.publisher.Flux;

/**
 * Resolves every new native instruction pointer while the capture runs, when the
 * binaries are at hand, and adds a SYMBOL record for it to the batch (in
 * {@link EventBatch#extra}): the capture file then names its native frames on any
 * machine, even after the library is gone.
 *
 * <p>Runs on the pipeline thread, off the program's hot path; each address is resolved
 * once (a repeated stack costs one set lookup per new node, nothing per allocation).
 */
public final class SymbolizeStage implements Function<Flux<EventBatch>, Flux<EventBatch>>, AutoCloseable {
    private final Symbolizer symbolizer;
    private final ModuleMap modules = new ModuleMap();
    private final Set<Long> resolved = new HashSet<>();
    private long lookups;
    private long misses;

    public SymbolizeStage(Symbolizer symbolizer) {
        this.symbolizer = symbolizer;
    }

    @Override
    public Flux<EventBatch> apply(Flux<EventBatch> batches) {
        return batches.doOnNext(this::symbolize);
    }

    /** Adds SYMBOL records for the new addresses of {@code batch}. */
    public void symbolize(EventBatch batch) {
        for (int i = 0; i < batch.count; i++) {
            byte tag = batch.tag(i);
            if (tag == RecordTag.MODULE) {
                addModule(batch, i);
            } else if (tag == RecordTag.NATIVE_NODE) {
                long ip = batch.nativeNodeIp(i);
                lookups++;
                if (resolved.add(ip)) {
                    misses++;
                    // A return address: the call is the instruction before it.
                    long pc = ip - 1;
                    List<NativeFrame> frames = symbolizer.resolve(modules.find(pc), pc);
                    addSymbol(batch.extra(), ip, frames);
                }
            }
        }
    }

    private void addModule(EventBatch batch, int i) {
        Module module = new Module(batch.modulePath(i), batch.moduleBuildId(i), batch.moduleBias(i));
        for (int s = 0; s < batch.moduleSegments(i); s++) {
            modules.add(module, batch.moduleSegmentStart(i, s), batch.moduleSegmentLength(i, s));
        }
    }

    static void addSymbol(EventBatch out, long ip, List<NativeFrame> frames) {
        out.addSymbol(ip, frames.size());
        for (NativeFrame f : frames) {
            out.addSymbolFrame(f.function(), f.file(), f.line(), f.inlined());
        }
    }

    /** Distinct addresses looked up, and how many of the lookups were first sightings. */
    public long lookups() {
        return lookups;
    }

    public long misses() {
        return misses;
    }

    public String symbolizerName() {
        return symbolizer.name();
    }

    @Override
    public void close() {
        symbolizer.close();
    }
}
