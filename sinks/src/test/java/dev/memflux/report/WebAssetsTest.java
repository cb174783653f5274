package dev.memflux.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The libraries inlined as bytes, with no URL left and d3's namespace names still valid JavaScript. */
class WebAssetsTest {
    private static String offline(String text) {
        return new String(WebAssets.offline(text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void schemesGoAndAQuotedHttpIsEscaped() {
        assertEquals("svg:\"htt\\x70://www.w3.org/2000/svg\" see d3js.org or github.com/x — ünïcode http:",
                offline("svg:\"http://www.w3.org/2000/svg\" see https://d3js.org or http://github.com/x — ünïcode http:"));
        assertEquals("\"\"htt\\x70://a\"htt\\x70://b", offline("\"https://\"http://a\"http://b"));
    }

    @Test
    void theInlinedLibrariesNameNoUrl() {
        for (byte[] library : new byte[][] {WebAssets.d3(), WebAssets.uplot(), WebAssets.uplotCss()}) {
            String text = new String(library, StandardCharsets.UTF_8);
            assertTrue(text.length() > 1000);
            assertEquals(-1, text.indexOf("http://"));
            assertEquals(-1, text.indexOf("https://"));
        }
        assertTrue(new String(WebAssets.d3(), StandardCharsets.UTF_8).contains("\"htt\\x70://www.w3.org/2000/svg\""));
    }
}
