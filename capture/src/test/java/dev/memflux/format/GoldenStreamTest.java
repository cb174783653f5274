package dev.memflux.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java decoder against bytes the C agent wrote: {@code golden/agent-stream.bin} was
 * made by the agent's own encoder ({@code src/test/c/golden_stream.c}, a fixed script of
 * every record kind), so a mistake made the same way in {@link RecordEncoder} and
 * {@link RecordDecoder} cannot pass here. The values below are the script's.
 */
class GoldenStreamTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/agent-stream.bin");
    private static final Path GENERATOR = Path.of("src/test/c/golden_stream.sh");

    @Test
    void theAgentsStreamDecodesToTheScriptsValues() throws Exception {
        byte[] bytes = Files.readAllBytes(GOLDEN);
        RecordDecoder decoder = new RecordDecoder();
        EventBatch batch = new EventBatch();
        int at = decoder.decode(bytes, 0, bytes.length, batch);
        assertEquals(new CaptureHeader(4242, 4241, 1_700_000_000_123L, RecordTag.FLAG_FRAME_WALK, "3.11.9 (golden)",
                "golden.py a b", ""), decoder.hello());
        assertEquals(0, batch.count, "HELLO stands alone");

        at = decoder.decode(bytes, at, bytes.length, batch);
        assertEquals(bytes.length, at, "END is the last record");
        assertTrue(decoder.ended());
        assertEquals(List.of(
                "FRAME main /golden/prog.py first=1",
                "FRAME work /golden/prog.py first=10",
                "NODE parent=0 frame=1 line=20",
                "NODE parent=1 frame=2 line=12",
                "MODULE /usr/lib/libgolden.so build=abc123 bias=0x7f0000000000 [0x7f0000001000+0x2000] [0x7f0000010000+0x1000]",
                "NATIVE_NODE parent=0 ip=0x7f0000001234",
                "NATIVE_NODE parent=1 ip=0x7f0000005678",
                "THREAD 1 tid=4242",
                "ALLOC malloc 0x10000 size=100 node=2 native=0",
                "ALLOC calloc 0x10100 size=101 node=2 native=0",
                "ALLOC realloc 0x10200 size=102 node=2 native=0",
                "ALLOC posix_memalign 0x10300 size=103 node=2 native=0",
                "ALLOC aligned_alloc 0x10400 size=104 node=2 native=0",
                "ALLOC memalign 0x10500 size=105 node=2 native=0",
                "ALLOC valloc 0x10600 size=106 node=2 native=0",
                "ALLOC pvalloc 0x10700 size=107 node=2 native=0",
                "ALLOC mmap 0x7f1000000000 size=1048576 node=1 native=0",
                "FREE 0x10000",
                "MUNMAP 0x7f1000000000 length=4096",
                "ALLOC malloc 0x20000 size=64 node=2 native=2",
                "ALLOC realloc 0x1ff00 size=128 node=1 native=1",
                "THREAD 2 tid=4343",
                "FREE 0x10100",
                "ALLOC malloc 0x30008 size=24 node=2 native=0",
                "ALLOC malloc 0x30028 size=40 node=2 native=0",
                "ALLOC calloc 0x30058 size=8 node=1 native=0",
                "FREE 0x10200",
                "FREE 0x7f2000000000",
                "FREE 0x30009",
                "ALLOC calloc 0x10200 size=300 node=1 native=0",
                "ALLOC calloc 0x50000 size=16 node=1 native=0",
                "ALLOC calloc 0x10340 size=16 node=1 native=0",
                "FREE 0x37300",
                "FREE 0x1237c970",
                "FREE 0x8000",
                "TIME +15",
                "MEMORY rss=10485760",
                "TIME +12",
                "END"), RecordText.of(batch));
        assertEquals(40, decoder.records());
    }

    @Test
    void theCheckedInStreamIsWhatTheAgentWritesToday(@TempDir Path dir) throws Exception {
        Path fresh = dir.resolve("agent-stream.bin");
        Process p = new ProcessBuilder("sh", GENERATOR.toString(), fresh.toString()).inheritIO().start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "golden_stream.sh did not finish");
        assertEquals(0, p.exitValue(), "golden_stream.sh failed");
        assertArrayEquals(Files.readAllBytes(GOLDEN), Files.readAllBytes(fresh),
                "the agent's encoder changed: run capture/src/test/c/golden_stream.sh and update GoldenStreamTest");
    }
}
