package dev.memflux.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Which names in the temp directory are a memflux run's socket directory, and whose. */
class SocketDirectoryNamesTest {
    @Test
    void aSocketDirectoryNamesItsRunsPid() {
        assertEquals(4321, Collector.pidOfSocketDirectory("memflux-4321-1a2b3c"));
        assertEquals(4194304, Collector.pidOfSocketDirectory("memflux-4194304-x-y"));
        assertEquals(9999999999L, Collector.pidOfSocketDirectory("memflux-9999999999-z"));
    }

    @Test
    void otherNamesAreNone() {
        for (String name : new String[] {"memflux-cache-0", "memflux-12-", "memflux--x", "memflux-12", "memflux-",
                "memflux-12345678901-x", "memflux-1a-x", "xmemflux-12-x", "memflux-csv-temporaries.csv"}) {
            assertEquals(-1, Collector.pidOfSocketDirectory(name), name);
        }
    }
}
