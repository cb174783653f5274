package dev.memflux.pipeline.symbolize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memflux.format.EventBatch;
import dev.memflux.format.RecordTag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * The symbolizers on a library built here, with binutils as the oracle for addresses:
 * a function {@code outer} with {@code helper} always inlined into it.
 */
class SymbolizersTest {
    @TempDir
    static Path dir;
    static Path lib;
    static long callAddress; // the call inside helper, inlined into outer

    @BeforeAll
    static void build() throws Exception {
        Path c = dir.resolve("sym.c");
        Files.writeString(c, String.join("\n",
                "#include <stdlib.h>",
                "static inline __attribute__((always_inline)) void *helper(size_t n) {",
                "    return malloc(n);",                       // line 3
                "}",
                "__attribute__((noinline)) void *outer(size_t n) {",
                "    char *p = helper(n);",                    // line 6
                "    if (p) p[0] = 1;",
                "    return p;",
                "}", ""));
        lib = dir.resolve("libsym.so");
        run("gcc", "-g", "-O2", "-fPIC", "-shared", "-o", lib.toString(), c.toString());
        String disassembly = new String(new ProcessBuilder("objdump", "-d", "--no-show-raw-insn", lib.toString())
                .start().getInputStream().readAllBytes());
        String body = disassembly.substring(disassembly.indexOf("<outer>:"));
        String call = body.lines().filter(l -> l.contains("call")).findFirst().orElseThrow();
        callAddress = Long.parseLong(call.trim().split(":")[0], 16);
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command));
    }

    private static final long BIAS = 0x7f00_0000_0000L;

    private Module module() {
        return new Module(lib.toString(), "", BIAS);
    }

    @Test
    void libdwGivesTheInlinedHelperAsItsOwnFrameWithBothLines() {
        try (Symbolizer libdw = LibdwSymbolizer.load()) {
            List<NativeFrame> frames = libdw.resolve(module(), BIAS + callAddress);
            assertEquals(List.of(new NativeFrame("helper", dir.resolve("sym.c").toString(), 3, true),
                    new NativeFrame("outer", dir.resolve("sym.c").toString(), 6, false)), frames);
        }
    }

    @Test
    void elfTablesGiveTheFunctionName() {
        try (Symbolizer elf = new ElfSymbolizer()) {
            assertEquals(List.of(new NativeFrame("outer", lib.toString(), 0, false)),
                    elf.resolve(module(), BIAS + callAddress));
        }
    }

    @Test
    void anAddressOutsideEveryModuleIsShownAsAnAddress() {
        try (Symbolizer libdw = LibdwSymbolizer.load()) {
            assertEquals("0x1234", libdw.resolve(null, 0x1234).get(0).function());
        }
    }

    /** A MODULE record for the library, then native nodes (return addresses: call + 5 bytes). */
    private EventBatch batch(long... returnAddresses) {
        EventBatch b = new EventBatch();
        b.addModule(lib.toString(), "", BIAS, 1);
        b.addModuleSegment(BIAS, 1 << 20);
        int parent = 0;
        for (long ip : returnAddresses) {
            b.addNativeNode(parent++, ip);
        }
        return b;
    }

    @Test
    void theStageAddsOneSymbolPerNewAddressAndPassesBatchesOnInOrder() {
        long ip = BIAS + callAddress + 5;
        SymbolizeStage stage = new SymbolizeStage(LibdwSymbolizer.load());
        EventBatch first = batch(ip, ip);
        EventBatch second = batch(ip);
        StepVerifier.create(Flux.just(first, second).transform(stage))
                .expectNextMatches(b -> b == first && b.extra().count == 1 && b.extra().tag(0) == RecordTag.SYMBOL
                        && b.extra().symbolIp(0) == ip && b.extra().symbolFrames(0) == 2
                        && "helper".equals(b.extra().symbolFunction(0, 0)))
                .expectNextMatches(b -> b == second && b.extraOrNull() == null)
                .expectComplete()
                .verify(Duration.ofSeconds(10));
        assertEquals(3, stage.lookups());
        assertEquals(1, stage.misses());
        stage.close();
    }

    @Test
    void theStagePassesErrorsOn() {
        SymbolizeStage stage = new SymbolizeStage(new ElfSymbolizer());
        StepVerifier.create(Flux.<EventBatch>error(new IllegalStateException("socket")).transform(stage))
                .expectErrorMessage("socket")
                .verify(Duration.ofSeconds(5));
    }
}
