package dev.memflux.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The scripts and styles the HTML reports inline: d3 and uPlot from their WebJars (on the
 * class path, versions as the build resolved them) and the reports' own files. A page
 * must never reach the network, and should not even name it: the libraries' license
 * headers lose their URLs (the notices stay), and the XML namespace names d3 carries
 * (identifiers, never fetched) have their scheme spelled with a JavaScript escape.
 *
 * <p>The libraries stay UTF-8 bytes from the jar to the page: as Java strings, d3's few
 * characters beyond Latin-1 made every copy and replace of its 280 KB work on two bytes a
 * character, about 40 ms of a flame graph's 0.1 s of page (interpreted code, at start).
 */
final class WebAssets {
    private WebAssets() {}

    static byte[] d3() {
        return library("d3", "dist/d3.min.js");
    }

    static byte[] uplot() {
        return library("uplot", "dist/uPlot.iife.min.js");
    }

    static byte[] uplotCss() {
        return library("uplot", "dist/uPlot.min.css");
    }

    /** The libraries' license texts, for the page's closing comment. */
    static String licenses() {
        return "d3 " + version("d3") + ":\n" + utf8(library("d3", "LICENSE")) + "\nuPlot " + version("uplot") + ":\n"
                + utf8(library("uplot", "LICENSE"));
    }

    /** One of the reports' own files, under {@code dev/memflux/report/html/}. */
    static String own(String name) {
        return utf8(read("dev/memflux/report/html/" + name));
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] library(String artifact, String path) {
        byte[] offline = offline(read("META-INF/resources/webjars/" + artifact + "/" + version(artifact) + "/" + path));
        if (indexOf(offline, "--!>") >= 0 || indexOf(offline, "</script") >= 0 || indexOf(offline, "</style") >= 0) {
            throw new IllegalStateException(artifact + "/" + path + " cannot be inlined in a page as it is");
        }
        return offline;
    }

    /** {@code text} without "http://" or "https://", but for a quoted "http://", spelled "htt\x70://". */
    static byte[] offline(byte[] text) {
        byte[] out = new byte[text.length + text.length / 64]; // a few escapes: each adds 3 bytes
        int n = 0;
        for (int i = 0; i < text.length; i++) {
            int scheme = text[i] == 'h' ? schemeLength(text, i) : 0;
            if (scheme == 0) {
                out[n++] = text[i];
            } else if (scheme == 7 && i > 0 && text[i - 1] == '"') {
                if (n + 10 > out.length) {
                    out = java.util.Arrays.copyOf(out, out.length * 2);
                }
                for (byte b : ESCAPED_HTTP) {
                    out[n++] = b;
                }
                i += scheme - 1;
            } else {
                i += scheme - 1;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static final byte[] ESCAPED_HTTP = "htt\\x70://".getBytes(StandardCharsets.US_ASCII);

    /** 7 for "http://" at {@code i}, 8 for "https://", else 0. */
    private static int schemeLength(byte[] t, int i) {
        if (i + 7 > t.length || t[i + 1] != 't' || t[i + 2] != 't' || t[i + 3] != 'p') {
            return 0;
        }
        int j = i + 4;
        if (t[j] == 's') {
            j++;
        }
        return j + 3 <= t.length && t[j] == ':' && t[j + 1] == '/' && t[j + 2] == '/' ? j + 3 - i : 0;
    }

    static int indexOf(byte[] text, String ascii) {
        byte[] p = ascii.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + p.length <= text.length; i++) {
            for (int k = 0; k < p.length; k++) {
                if (text[i + k] != p[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String version(String artifact) {
        Properties p = new Properties();
        try (InputStream in = resource("META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version").trim();
    }

    private static byte[] read(String path) {
        try (InputStream in = resource(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String path) {
        InputStream in = WebAssets.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException("memflux was built without " + path);
        }
        return in;
    }
}
