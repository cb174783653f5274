package dev.memflux.benchmarks;

import dev.memflux.format.EventBatch;
import dev.memflux.pipeline.symbolize.ElfSymbolizer;
import dev.memflux.pipeline.symbolize.LibdwSymbolizer;
import dev.memflux.pipeline.symbolize.Module;
import dev.memflux.pipeline.symbolize.NativeFrame;
import dev.memflux.pipeline.symbolize.SymbolizeStage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Symbolization (--native), in microseconds an address: libdw on an address it has not
 * seen (the first sighting of each native frame during a capture), the ELF-table fallback,
 * and the stage's path for an address already resolved, which is what every later
 * sighting costs. {@code -p library=...} picks the module (default: libpython of the
 * {@code python3} on PATH when it is shared, else libc).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class SymbolizeBenchmark {
    private static final int ADDRESSES = 1024;

    @Param({""})
    public String library;

    private Module module;
    private long[] pcs;
    private LibdwSymbolizer libdw;
    private ElfSymbolizer elf;
    private SymbolizeStage warmStage;
    private EventBatch knownNodes;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path path = library.isEmpty() ? defaultLibrary() : Path.of(library);
        module = new Module(path.toString(), "", 0);
        // Addresses spread over the module's functions: 8 bytes into each of them.
        pcs = FunctionAddresses.of(path, ADDRESSES);
        elf = new ElfSymbolizer();
        warmStage = new SymbolizeStage(new ElfSymbolizer());
        knownNodes = new EventBatch();
        knownNodes.addModule(path.toString(), "", 0, 1);
        knownNodes.addModuleSegment(0, Long.MAX_VALUE / 2);
        for (int i = 0; i < ADDRESSES; i++) {
            knownNodes.addNativeNode(i, pcs[i] + 1);
        }
        warmStage.symbolize(knownNodes); // every address resolved once
        knownNodes.clear();
        for (int i = 0; i < ADDRESSES; i++) {
            knownNodes.addNativeNode(i, pcs[i] + 1);
        }
    }

    @Setup(Level.Iteration)
    public void freshLibdw() {
        if (libdw != null) {
            libdw.close();
        }
        libdw = LibdwSymbolizer.load();
        next = 0;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        libdw.close();
        warmStage.close();
    }

    private static Path defaultLibrary() throws IOException {
        Process p = new ProcessBuilder("python3", "-c",
                "import sysconfig, os; d = sysconfig.get_config_var('LIBDIR'); "
                        + "n = sysconfig.get_config_var('INSTSONAME'); print(os.path.join(d, n))").start();
        String lib = new String(p.getInputStream().readAllBytes()).strip();
        if (!lib.isEmpty() && Files.isRegularFile(Path.of(lib)) && lib.contains(".so")) {
            return Path.of(lib);
        }
        return Path.of("/lib/x86_64-linux-gnu/libc.so.6");
    }

    /** libdw on addresses it has not resolved before (each iteration starts a fresh libdw). */
    @Benchmark
    public List<NativeFrame> libdwFirstSighting() {
        long pc = pcs[next++ % ADDRESSES];
        return libdw.resolve(module, pc);
    }

    @Benchmark
    public List<NativeFrame> elfTables() {
        return elf.resolve(module, pcs[next++ % ADDRESSES]);
    }

    /** The stage on native nodes whose addresses are all known: the cache-hit path. */
    @Benchmark
    @OperationsPerInvocation(ADDRESSES)
    public int stageKnownAddresses() {
        knownNodes.extra().clear();
        warmStage.symbolize(knownNodes);
        return knownNodes.extra().count;
    }
}
