package dev.memflux.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The agent's records.h and the Java constants must say the same numbers. */
class RecordTagTest {
    private static Map<String, Integer> cDefines() throws IOException {
        Path header = Path.of("src/main/c/records.h");
        Map<String, Integer> defines = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^#define (MFX_\\w+) (0x[0-9a-fA-F]+|\\d+)\\s*$").matcher(Files.readString(header));
        while (m.find()) {
            defines.put(m.group(1), Integer.decode(m.group(2)));
        }
        return defines;
    }

    @Test
    void tagsMatchTheAgentHeader() throws Exception {
        Map<String, Integer> c = cDefines();
        assertEquals(RecordTag.FORMAT_VERSION, c.get("MFX_FORMAT_VERSION"));
        for (var field : RecordTag.class.getFields()) {
            String name = field.getName();
            String cName = name.startsWith("FLAG_") ? "MFX_" + name : name.equals("FORMAT_VERSION") ? null : "MFX_TAG_" + name;
            if (cName == null) {
                continue;
            }
            assertTrue(c.containsKey(cName), cName + " missing from records.h");
            assertEquals(((Number) field.get(null)).intValue(), c.get(cName), cName);
        }
        assertEquals(RecordDecoder.RECENT_SLOTS, c.get("MFX_RECENT_SLOTS"));
        assertEquals(RecordDecoder.REUSE_SLOTS, c.get("MFX_REUSE_SLOTS"));
    }

    @Test
    void allocatorKindsMatchTheAgentHeader() throws Exception {
        Map<String, Integer> c = cDefines();
        for (AllocatorKind kind : AllocatorKind.values()) {
            assertEquals(kind.ordinal(), c.get("MFX_KIND_" + kind.name()), kind.name());
        }
        assertEquals(AllocatorKind.COUNT, AllocatorKind.values().length);
    }
}
